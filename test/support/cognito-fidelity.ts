import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * "moto is lenient where Cognito is strict": an HTTP layer between the service and moto that makes
 * moto behave more like Cognito where the service depends on it.
 * - Every request is held to the official API model and refused as Cognito refuses it
 *   (`InvalidParameterException`, "1 validation error detected: ...").
 * - `InitiateAuth` / `AdminInitiateAuth` sign in by a verified email alias, as a pool with
 *   `AliasAttributes: ['email']` does.
 * - Optionally, `ListUsers` lags behind writes, as Cognito's eventually consistent search does.
 * - Requests are counted per operation (also at `GET /__fidelity/counts`).
 * Everything else goes to moto unchanged, and moto's answers come back as they are.
 */

export interface CognitoFidelityOptions {
  /** moto's endpoint, e.g. `http://127.0.0.1:41234`. */
  target: string;
  /** How long after a write naming a user `ListUsers` leaves that user out. Default 0. */
  listUsersLagMs?: number;
  /** The Python whose botocore holds the API model: moto's. Default `$MOTO_PYTHON` or `python3`. */
  python?: string;
}

export interface CognitoFidelity {
  /** Give this to the service (or a fault proxy) as the Cognito endpoint. */
  endpoint: string;
  setListUsersLagMs(ms: number): void;
  /** Requests per Cognito operation since the start or the last `resetCounts()`, refused ones too. */
  counts(): Record<string, number>;
  resetCounts(): void;
  stop(): Promise<void>;
}

/** Served by the layer itself: GET answers the counts as JSON, DELETE resets them. */
export const FIDELITY_COUNTS_PATH = '/__fidelity/counts';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_TYPE = 'application/x-amz-json-1.1';

/** Writes that change what `ListUsers` would show about the user they name. */
const USER_WRITES = new Set([
  'AdminAddUserToGroup',
  'AdminConfirmSignUp',
  'AdminCreateUser',
  'AdminDeleteUser',
  'AdminDeleteUserAttributes',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminLinkProviderForUser',
  'AdminRemoveUserFromGroup',
  'AdminResetUserPassword',
  'AdminRespondToAuthChallenge',
  'AdminSetUserPassword',
  'AdminUpdateUserAttributes',
  'ChangePassword',
  'ConfirmForgotPassword',
  'ConfirmSignUp',
  'DeleteUser',
  'DeleteUserAttributes',
  'RespondToAuthChallenge',
  'SignUp',
  'UpdateUserAttributes',
  'VerifyUserAttribute',
]);

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: Json;
}

const isRecord = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The `username` claim of an access token (not verified: moto issued it, and only the name is read). */
function tokenUsername(token: unknown): string | undefined {
  const payload = str(token)?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(claims) ? str(claims.username) : undefined;
  } catch {
    return undefined;
  }
}

/** The user a write names: `Username`, the challenge's `USERNAME`, or the access token's user. */
function writtenUser(input: Json): string | undefined {
  const responses = isRecord(input.ChallengeResponses) ? input.ChallengeResponses : {};
  return str(input.Username) ?? str(responses.USERNAME) ?? tokenUsername(input.AccessToken);
}

function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Pool ids begin with their region: `eu-west-1_AbC123`. */
const regionOf = (userPoolId: string) => userPoolId.split('_')[0];

const attribute = (user: Json, name: string) =>
  (Array.isArray(user.Attributes) ? (user.Attributes as Json[]) : []).find((a) => a.Name === name)?.Value;

export async function startCognitoFidelity(options: CognitoFidelityOptions): Promise<CognitoFidelity> {
  const validator = new CognitoModelValidator(loadCognitoModel(options.python));
  const upstream = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  let lagMs = options.listUsersLagMs ?? 0;
  let counts: Record<string, number> = {};
  /** Lower-cased username → when a write naming it last finished. */
  const touched = new Map<string, number>();
  const poolOfClient = new Map<string, string>();
  /** The regions of the signed requests seen (moto keeps pools per region). */
  const regions = new Set<string>();
  const poolSettings = new Map<string, { emailAlias: boolean; caseSensitive: boolean }>();
  /** A pool's alias settings as its definition (CreateUserPool's input, or a described pool) states them. */
  const poolSettingsOf = (pool: Json) => {
    const aliases = Array.isArray(pool.AliasAttributes) ? pool.AliasAttributes : [];
    const usernameConfig = isRecord(pool.UsernameConfiguration) ? pool.UsernameConfiguration : {};
    // Cognito's API default, when the definition says nothing, is case-sensitive usernames.
    return { emailAlias: aliases.includes('email'), caseSensitive: usernameConfig.CaseSensitive !== false };
  };
  /** Remembers what moto forgets of a pool created through the layer. */
  const created =
    (input: Json) =>
    (answer: Answer): Answer => {
      const id = isRecord(answer.body.UserPool) ? str(answer.body.UserPool.Id) : undefined;
      if (id) poolSettings.set(id, poolSettingsOf(input));
      return answer;
    };

  /**
   * The layer's own calls to moto: neither counted, validated nor lagged. moto reads the region
   * (where pools live) from the credential scope of the Authorization header, so each call names one.
   */
  const call = async (region: string, operation: string, input: Json): Promise<Json> => {
    const auth = `AWS4-HMAC-SHA256 Credential=fidelity/20160418/${region}/cognito-idp/aws4_request, SignedHeaders=host, Signature=0`;
    const res = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, 'x-amz-target': TARGET_PREFIX + operation, authorization: auth },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as Json;
    if (!res.ok) throw new Error(`moto ${operation}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  /**
   * The pool of an app client, for `InitiateAuth` (which names only the client and is not signed, so
   * says nothing of its region): searched in the regions of the pools seen so far.
   */
  const poolIdOfClient = async (clientId: string): Promise<string | undefined> => {
    for (const region of regions) {
      if (poolOfClient.has(clientId)) break;
      const { UserPools = [] } = (await call(region, 'ListUserPools', { MaxResults: 60 })) as {
        UserPools?: Json[];
      };
      for (const pool of UserPools) {
        const UserPoolId = str(pool.Id);
        const { UserPoolClients = [] } = (await call(region, 'ListUserPoolClients', {
          UserPoolId,
          MaxResults: 60,
        })) as {
          UserPoolClients?: Json[];
        };
        for (const c of UserPoolClients) if (UserPoolId) poolOfClient.set(String(c.ClientId), UserPoolId);
      }
    }
    return poolOfClient.get(clientId);
  };

  /** Alias settings of a pool (read once; moto keeps AliasAttributes but drops UsernameConfiguration). */
  const settingsOf = async (userPoolId: string) => {
    let settings = poolSettings.get(userPoolId);
    if (!settings) {
      const { UserPool = {} } = (await call(regionOf(userPoolId), 'DescribeUserPool', {
        UserPoolId: userPoolId,
      })) as {
        UserPool?: Json;
      };
      settings = poolSettingsOf(UserPool);
      poolSettings.set(userPoolId, settings);
    }
    return settings;
  };

  const listUsers = async (userPoolId: string, filter?: string): Promise<Json[]> => {
    const users: Json[] = [];
    let token: string | undefined;
    do {
      const page = (await call(regionOf(userPoolId), 'ListUsers', {
        UserPoolId: userPoolId,
        Filter: filter,
        PaginationToken: token,
      })) as {
        Users?: Json[];
        PaginationToken?: string;
      };
      users.push(...(page.Users ?? []));
      token = page.PaginationToken;
    } while (token);
    return users;
  };

  /**
   * The username of the user whose verified email is `alias`, as Cognito resolves a sign-in alias
   * (case-insensitively in a pool whose usernames are). Cognito keeps an alias on one user; moto
   * does not, so of several the most recently changed wins.
   */
  const resolveAlias = async (userPoolId: string, alias: string): Promise<string | undefined> => {
    const { emailAlias, caseSensitive } = await settingsOf(userPoolId);
    if (!emailAlias) return undefined;
    const same = (email: unknown) =>
      typeof email === 'string' &&
      (caseSensitive ? email === alias : email.toLowerCase() === alias.toLowerCase());
    const escape = (s: string) => s.replace(/["\\]/g, '\\$&');
    // moto's filter is exact: ask for the common spellings first, read the whole pool only if they miss.
    const spellings = [...new Set([alias, caseSensitive ? alias : alias.toLowerCase()])];
    let found: Json[] = [];
    for (const s of spellings) found.push(...(await listUsers(userPoolId, `email = "${escape(s)}"`)));
    if (found.length === 0 && !caseSensitive) found = await listUsers(userPoolId);
    const [user] = found
      .filter((u) => same(attribute(u, 'email')) && attribute(u, 'email_verified') === 'true')
      .sort((a, b) => Number(b.UserLastModifiedDate ?? 0) - Number(a.UserLastModifiedDate ?? 0));
    return str(user?.Username);
  };

  /** Rewrites an email alias in `AuthParameters.USERNAME` to the user's username. */
  const signInByAlias = async (operation: string, input: Json): Promise<boolean> => {
    const params = input.AuthParameters;
    const username = isRecord(params) ? str(params.USERNAME) : undefined;
    // A pool with an email alias refuses usernames in email format, so only an email can be an alias.
    if (!isRecord(params) || !username?.includes('@')) return false;
    const userPoolId =
      operation === 'AdminInitiateAuth'
        ? str(input.UserPoolId)
        : await poolIdOfClient(String(input.ClientId));
    const resolved = userPoolId && (await resolveAlias(userPoolId, username));
    if (!resolved) return false;
    params.USERNAME = resolved;
    return true;
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
    buffered?: (a: Answer) => Answer,
  ) =>
    new Promise<void>((resolve) => {
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      const out = request(
        new URL(req.url ?? '/', upstream),
        { method: req.method, headers, agent },
        (answer) => {
          answer.once('end', resolve).once('error', () => resolve());
          if (!buffered || (answer.statusCode ?? 500) >= 300) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            return;
          }
          buffer(answer)
            .then((raw) => {
              const { status, body: changed } = buffered({
                status: answer.statusCode ?? 200,
                body: JSON.parse(raw.toString('utf8')) as Json,
              });
              // moto's headers, but the length (and framing) of the body as rewritten.
              const kept = Object.entries(answer.headers).filter(
                ([name]) => name !== 'content-length' && name !== 'transfer-encoding',
              );
              send(res, status, changed, Object.fromEntries(kept) as Record<string, string>);
            })
            .catch(() => res.destroy());
        },
      );
      out.once('error', () => {
        res.destroy();
        resolve();
      });
      out.end(body);
    });

  /** Leaves out of a `ListUsers` page the users written within the lag. */
  const lagged = (answer: Answer): Answer => {
    const now = Date.now();
    const users = Array.isArray(answer.body.Users) ? (answer.body.Users as Json[]) : [];
    const fresh = (u: Json) => now - (touched.get(String(u.Username).toLowerCase()) ?? -Infinity) < lagMs;
    return { ...answer, body: { ...answer.body, Users: users.filter((u) => !fresh(u)) } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await buffer(req);
    if (req.url === FIDELITY_COUNTS_PATH && (req.method === 'GET' || req.method === 'DELETE')) {
      if (req.method === 'DELETE') counts = {};
      return send(res, 200, counts);
    }
    const target = req.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    if (!operation) return forward(req, body, res);
    counts[operation] = (counts[operation] ?? 0) + 1;
    const region = /Credential=[^/]*\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (region) regions.add(region);
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return forward(req, body, res);
    }
    if (!isRecord(input)) return forward(req, body, res);
    const violations = validator.violations(operation, input);
    if (violations.length > 0) {
      const message = CognitoModelValidator.message(violations);
      return send(
        res,
        400,
        { __type: 'InvalidParameterException', message },
        {
          'x-amzn-errortype': 'InvalidParameterException',
        },
      );
    }
    if (operation === 'InitiateAuth' || operation === 'AdminInitiateAuth') {
      if (await signInByAlias(operation, input)) return forward(req, Buffer.from(JSON.stringify(input)), res);
    }
    if (operation === 'ListUsers' && lagMs > 0) return forward(req, body, res, lagged);
    if (operation === 'CreateUserPool') return forward(req, body, res, created(input));
    const written = USER_WRITES.has(operation) ? writtenUser(input)?.toLowerCase() : undefined;
    if (written) touched.set(written, Date.now());
    await forward(req, body, res);
    if (written) touched.set(written, Date.now());
  };

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      send(res, 500, { __type: 'InternalErrorException', message: `fidelity layer: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    setListUsersLagMs: (ms) => {
      lagMs = ms;
    },
    counts: () => ({ ...counts }),
    resetCounts: () => {
      counts = {};
    },
    stop: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- The API model and Cognito's request validation over it ----

/**
 * The official Cognito user pools API model (the one botocore ships, as the AWS SDKs are generated
 * from it) and Cognito's request validation over it: what real Cognito refuses with
 * `InvalidParameterException` before looking at the pool, and moto does not check at all.
 */

interface Member {
  shape: string;
}

export interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, Member>;
  member?: Member;
  key?: Member;
  value?: Member;
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: string;
  sensitive?: boolean;
}

export interface ServiceModel {
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

const MODEL_FILE = join('data', 'cognito-idp', '2016-04-18', 'service-2.json.gz');
const BOTOCORE_DIR = 'import botocore, os; print(os.path.dirname(botocore.__file__))';

let cached: ServiceModel | undefined;

/**
 * Reads the model from the botocore of `python`: give it the interpreter that runs moto (moto depends
 * on botocore, so it has one). Read once per process.
 */
export function loadCognitoModel(python = process.env.MOTO_PYTHON || 'python3'): ServiceModel {
  if (cached) return cached;
  const dir = execFileSync(python, ['-c', BOTOCORE_DIR], { encoding: 'utf8' }).trim();
  cached = JSON.parse(gunzipSync(readFileSync(join(dir, MODEL_FILE))).toString('utf8')) as ServiceModel;
  return cached;
}

const patterns = new Map<string, RegExp | null>();

/**
 * The model's patterns are Java regular expressions. As in Smithy's `@pattern`, they are not
 * anchored (a match anywhere satisfies them; the models anchor with ^ and $ where they mean to).
 * `\p{L}` and friends work in JavaScript with the `u` flag; an inline `(?s)` becomes the `s` flag.
 * A pattern JavaScript cannot compile is not checked.
 */
function compiled(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re === undefined) {
    const dotAll = pattern.startsWith('(?s)');
    try {
      re = new RegExp(dotAll ? pattern.slice(4) : pattern, dotAll ? 'us' : 'u');
    } catch {
      re = null;
    }
    patterns.set(pattern, re);
  }
  return re;
}

/** Cognito's member paths: camelCase names, list items as `.N.member` counted from 1. */
const camel = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
const at = (path: string, name: string) => (path ? `${path}.${name}` : name);

function display(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(display).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${display(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * Validates requests against the model and words each violation as Cognito does
 * (`Value 'x' at 'filter' failed to satisfy constraint: Member must have length less than or equal to 256`).
 */
export class CognitoModelValidator {
  private readonly model: ServiceModel;
  private readonly sensitive = new Map<string, boolean>();

  constructor(model: ServiceModel) {
    this.model = model;
  }

  /** Whether the operation exists in the model. */
  knows(operation: string): boolean {
    return operation in this.model.operations;
  }

  /** Every violation in the input of `operation`, in Cognito's words; empty when it is valid. */
  violations(operation: string, input: unknown): string[] {
    const shape = this.model.operations[operation]?.input?.shape;
    if (!shape) return [];
    const out: string[] = [];
    this.check(shape, input, '', false, out);
    return out;
  }

  /** The message of Cognito's `InvalidParameterException` for these violations. */
  static message(violations: string[]): string {
    const n = violations.length;
    return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
  }

  /**
   * Whether a shape holds sensitive data anywhere inside. Cognito leaves the value out of the message
   * for those (`Value at 'userAttributes.1.member.name'`, since AttributeType carries a sensitive
   * value) and shows it otherwise (`Value 'x' at 'filter'`): an approximation of its redaction.
   */
  private containsSensitive(name: string, seen = new Set<string>()): boolean {
    const known = this.sensitive.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return false;
    seen.add(name);
    const shape = this.model.shapes[name];
    const inner = [
      ...Object.values(shape.members ?? {}),
      ...[shape.member, shape.key, shape.value].filter((m): m is Member => !!m),
    ];
    const result = !!shape.sensitive || inner.some((m) => this.containsSensitive(m.shape, seen));
    this.sensitive.set(name, result);
    return result;
  }

  private check(name: string, value: unknown, path: string, redact: boolean, out: string[]): void {
    const shape = this.model.shapes[name];
    const hide = redact || this.containsSensitive(name);
    const fail = (constraint: string) =>
      out.push(
        `Value ${hide ? '' : `'${display(value)}' `}at '${path}' failed to satisfy constraint: ${constraint}`,
      );
    switch (shape.type) {
      case 'structure': {
        if (!value || typeof value !== 'object') return;
        const record = value as Record<string, unknown>;
        // Inside a nested structure that holds something sensitive, no member's value is shown.
        const redactMembers = redact || (path !== '' && this.containsSensitive(name));
        for (const required of shape.required ?? []) {
          if (record[required] === undefined || record[required] === null) {
            out.push(
              `Value null at '${at(path, camel(required))}' failed to satisfy constraint: Member must not be null`,
            );
          }
        }
        for (const [member, ref] of Object.entries(shape.members ?? {})) {
          const v = record[member];
          if (v !== undefined && v !== null)
            this.check(ref.shape, v, at(path, camel(member)), redactMembers, out);
        }
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) return;
        this.lengths(shape, value.length, fail);
        value.forEach((item, i) => {
          if (shape.member) this.check(shape.member.shape, item, `${path}.${i + 1}.member`, redact, out);
        });
        return;
      }
      case 'map': {
        if (!value || typeof value !== 'object') return;
        const entries = Object.entries(value);
        this.lengths(shape, entries.length, fail);
        for (const [part, ref, pick] of [
          ['keys', shape.key, 0],
          ['value', shape.value, 1],
        ] as const) {
          if (!ref) continue;
          const inner: string[] = [];
          for (const entry of entries) this.check(ref.shape, entry[pick], path, true, inner);
          const constraints = [
            ...new Set(inner.map((m) => m.replace(/^.*failed to satisfy constraint: /, ''))),
          ];
          if (constraints.length > 0)
            fail(`Map ${part} must satisfy constraint: [${constraints.join(', ')}]`);
        }
        return;
      }
      case 'string': {
        if (typeof value !== 'string') return;
        if (shape.enum && !shape.enum.includes(value)) {
          fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
        }
        const re = shape.pattern === undefined ? null : compiled(shape.pattern);
        if (re && !re.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
        this.lengths(shape, value.length, fail);
        return;
      }
      case 'integer':
      case 'long': {
        if (typeof value !== 'number') return;
        if (shape.max !== undefined && value > shape.max) {
          fail(`Member must have value less than or equal to ${shape.max}`);
        }
        if (shape.min !== undefined && value < shape.min) {
          fail(`Member must have value greater than or equal to ${shape.min}`);
        }
        return;
      }
      default:
        return;
    }
  }

  private lengths(shape: Shape, length: number, fail: (constraint: string) => void): void {
    if (shape.max !== undefined && length > shape.max) {
      fail(`Member must have length less than or equal to ${shape.max}`);
    }
    if (shape.min !== undefined && length < shape.min) {
      fail(`Member must have length greater than or equal to ${shape.min}`);
    }
  }
}
