import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { aliasSignIn } from './cognito-alias.ts';
import { challengeSessions } from './cognito-challenges.ts';
import { passwordHistory } from './cognito-history.ts';
import { CognitoModelValidator, loadCognitoModel } from './cognito-model.ts';
import { isRecord, refuse, send, str, TARGET_PREFIX, type Answer, type Json } from './cognito-wire.ts';

/**
 * "moto is lenient where Cognito is strict": an HTTP layer between the service and moto that makes
 * moto behave more like Cognito where the service depends on it.
 * - Every request is held to the official API model and refused as Cognito refuses it
 *   (`InvalidParameterException`, "1 validation error detected: ...").
 * - `InitiateAuth` / `AdminInitiateAuth` sign in by a verified email alias, as a pool with
 *   `AliasAttributes: ['email']` does.
 * - A sign-in challenge's `Session` expires after the app client's `AuthSessionValidity` and is
 *   spent once answered; an MFA challenge names the username (`cognito-challenges.ts`).
 * - Optionally, `ListUsers` lags behind writes, as Cognito's eventually consistent search does.
 * - Optionally, `AdminSetUserPassword` refuses a password of the user's history, as a pool with
 *   `PasswordHistorySize` does.
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
  /** The time in ms that the lag is judged on; a test passes a clock it moves. Default `Date.now`. */
  now?: () => number;
}

export interface CognitoFidelity {
  /** Give this to the service (or a fault proxy) as the Cognito endpoint. */
  endpoint: string;
  setListUsersLagMs(ms: number): void;
  /** How many of a user's last passwords AdminSetUserPassword refuses (0, the default: none). */
  setPasswordHistorySize(n: number): void;
  /** Requests per Cognito operation since the start or the last `resetCounts()`, refused ones too. */
  counts(): Record<string, number>;
  resetCounts(): void;
  stop(): Promise<void>;
}

/** Served by the layer itself: GET answers the counts as JSON, DELETE resets them. */
export const FIDELITY_COUNTS_PATH = '/__fidelity/counts';

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

export async function startCognitoFidelity(options: CognitoFidelityOptions): Promise<CognitoFidelity> {
  const validator = new CognitoModelValidator(loadCognitoModel(options.python));
  const upstream = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  let lagMs = options.listUsersLagMs ?? 0;
  const now = options.now ?? Date.now;
  let counts: Record<string, number> = {};
  /** Lower-cased username → when a write naming it last finished. */
  const touched = new Map<string, number>();
  const alias = aliasSignIn(upstream);
  const history = passwordHistory();
  const challenges = challengeSessions(now);

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
    const at = now();
    const users = Array.isArray(answer.body.Users) ? (answer.body.Users as Json[]) : [];
    const fresh = (u: Json) => at - (touched.get(String(u.Username).toLowerCase()) ?? -Infinity) < lagMs;
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
    if (region) alias.sawRegion(region);
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return forward(req, body, res);
    }
    if (!isRecord(input)) return forward(req, body, res);
    const violations = validator.violations(operation, input);
    if (violations.length > 0) {
      return refuse(res, 'InvalidParameterException', CognitoModelValidator.message(violations));
    }
    if (operation === 'InitiateAuth' || operation === 'AdminInitiateAuth') {
      const sent = (await alias.signInByAlias(operation, input)) ? Buffer.from(JSON.stringify(input)) : body;
      return forward(req, sent, res, challenges.signInAnswered(input));
    }
    const responds = operation === 'RespondToAuthChallenge' || operation === 'AdminRespondToAuthChallenge';
    const refusal = responds ? challenges.refuses(input) : undefined;
    if (refusal) return refuse(res, refusal.type, refusal.message);
    if (operation === 'AdminSetUserPassword' && history.refuses(input))
      return refuse(
        res,
        'PasswordHistoryPolicyViolationException',
        'The password does not meet the password history policy',
      );
    if (operation === 'ListUsers' && lagMs > 0) return forward(req, body, res, lagged);
    if (operation === 'CreateUserPool') return forward(req, body, res, alias.created(input));
    if (operation === 'CreateUserPoolClient' || operation === 'UpdateUserPoolClient')
      return forward(req, body, res, challenges.clientWritten(input));
    const written = USER_WRITES.has(operation) ? writtenUser(input)?.toLowerCase() : undefined;
    if (written) touched.set(written, now());
    await forward(req, body, res, responds ? challenges.signInAnswered(input) : undefined);
    if (written) touched.set(written, now());
    if (operation === 'AdminSetUserPassword' && res.statusCode < 300) history.remember(input);
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
    setPasswordHistorySize: (n) => history.setSize(n),
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
