import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createConnection,
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { buffer } from 'node:stream/consumers';

/** Every Cognito API operation the service calls. */
export const COGNITO_OPERATIONS = [
  'ListUsers',
  'AdminCreateUser',
  'AdminSetUserPassword',
  'AdminInitiateAuth',
  'AdminRespondToAuthChallenge',
  'AdminUpdateUserAttributes',
  'AdminGetUser',
  'AdminDeleteUserAttributes',
  'AdminDeleteUser',
  'GetUser',
  'AdminUserGlobalSignOut',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminSetUserMFAPreference',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
  'SetUserMFAPreference',
] as const;

export type CognitoOperation = (typeof COGNITO_OPERATIONS)[number];

/**
 * What the proxy does instead of answering: `throttle` and `error5xx` answer as Cognito does when it
 * throttles or fails; `accessDenied` as AWS does when the caller's IAM policy lacks the action;
 * `exception` with a client error of Cognito's API reference that moto never gives; `slow` holds the request for `holdMs`, then forwards it (it reaches Cognito after
 * the caller gave up, as over a slow link) or drops it; `drop` closes the connection unanswered.
 */
export type Fault =
  | { kind: 'throttle' }
  | { kind: 'error5xx' }
  | { kind: 'accessDenied' }
  | { kind: 'exception'; type: string }
  | { kind: 'slow'; holdMs: number; then: 'forward' | 'drop' }
  | { kind: 'drop' };

/** Which requests for the operation a rule faults, counted from when it is set (1 = the first). */
export type Occurrence = { only: number } | { from: number };

export interface FaultRule {
  readonly operation: CognitoOperation;
  readonly fault: Fault;
  /** How many requests the rule has faulted so far. */
  readonly faulted: number;
}

export interface FaultProxy {
  /** e.g. `http://127.0.0.1:41234`: give it to the service as `COGNITO_ENDPOINT`. */
  url: string;
  /** Faults the operation's requests (every one until cleared, unless `when` says otherwise). */
  inject(operation: CognitoOperation, fault: Fault, when?: Occurrence): FaultRule;
  /** Removes every rule and forgets `seen`. */
  clear(): void;
  /** The Cognito operation of every API request since the last `clear()`, in order, known or not. */
  readonly seen: readonly string[];
  /** Resolves once every held (`slow`) request has been forwarded and answered, or dropped. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

const isOperation = (name: string): name is CognitoOperation =>
  (COGNITO_OPERATIONS as readonly string[]).includes(name);

/** An error answer in the AWS JSON 1.1 protocol, as the SDK parses it. */
function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: type, message });
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The Cognito operation a request asks for, from its target header; '' for anything else. */
function operationOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX)
    ? target.slice(TARGET_PREFIX.length)
    : '';
}

class Rule implements FaultRule {
  faulted = 0;
  private matched = 0;

  constructor(
    readonly operation: CognitoOperation,
    readonly fault: Fault,
    private readonly when: Occurrence,
  ) {}

  /** Counts a request for the operation and says whether this one is to be faulted. */
  matches(): boolean {
    const n = ++this.matched;
    return 'only' in this.when ? n === this.when.only : n >= this.when.from;
  }
}

/**
 * A reverse proxy in the test process between the service and moto: it forwards every request
 * (the JWKS GET too) and fails the Cognito operations it is told to, the way the network and
 * Cognito fail, so the service's real SDK client, timeouts and retries are what is tested.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let rules: Rule[] = [];
  const seen: string[] = [];
  const held = new Set<Promise<void>>();

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const out = request(
        new URL(req.url ?? '/', upstream),
        { method: req.method, headers: { ...req.headers, host: upstream.host }, agent },
        (answer) => {
          answer.once('end', resolve).once('error', () => resolve());
          // The caller may have given up while the request was held: Cognito still did the work.
          if (res.destroyed) return void answer.resume();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.once('error', () => {
        res.destroy();
        resolve();
      });
      out.end(body);
    });

  const hold = (work: () => Promise<void>, ms: number) => {
    const done = new Promise<void>((resolve) => setTimeout(resolve, ms)).then(work);
    held.add(done);
    void done.finally(() => held.delete(done));
  };

  const apply = (fault: Fault, req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    switch (fault.kind) {
      case 'throttle':
        return awsError(res, 400, 'TooManyRequestsException', 'Rate exceeded');
      case 'error5xx':
        return awsError(res, 500, 'InternalErrorException', 'Internal server error (injected)');
      case 'accessDenied':
        return awsError(
          res,
          400,
          'AccessDeniedException',
          `User: arn:aws:sts::123456789012:assumed-role/accounts-api/fn is not authorized to perform: cognito-idp:${operationOf(req)} on resource: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/injected because no identity-based policy allows the cognito-idp:${operationOf(req)} action`,
        );
      case 'exception':
        return awsError(res, 400, fault.type, `${fault.type} (injected)`);
      case 'drop':
        return void req.socket.destroy();
      case 'slow':
        return hold(async () => {
          if (fault.then === 'forward') return forward(req, body, res);
          req.socket.destroy();
        }, fault.holdMs);
    }
  };

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    buffer(req)
      .then((body) => {
        const name = operationOf(req);
        if (name) seen.push(name);
        if (!isOperation(name)) return forward(req, body, res);
        // Every rule for the operation counts the request, so occurrences stay true when rules overlap.
        const [rule] = rules.filter((r) => r.operation === name && r.matches());
        if (!rule) return forward(req, body, res);
        rule.faulted++;
        return apply(rule.fault, req, body, res);
      })
      .catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const settled = async () => {
    while (held.size > 0) await Promise.all([...held]);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    inject: (operation, fault, when = { from: 1 }) => {
      const rule = new Rule(operation, fault, when);
      rules.push(rule);
      return rule;
    },
    clear: () => {
      rules = [];
      seen.length = 0;
    },
    seen,
    settled,
    close: async () => {
      await settled();
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SilentServer {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** From now on, pipes new connections to this loopback port (the server has recovered); undefined: silent again. */
  forwardTo(port: number | undefined): void;
  close(): Promise<void>;
}

/**
 * A TCP server that accepts connections and never says a word: an SMTP server hanging before its
 * greeting, until `forwardTo` makes it pass new connections on to a working one.
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let forwardPort: number | undefined;
  const server: Server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined).once('close', () => sockets.delete(socket));
    if (forwardPort === undefined) return;
    const upstream = createConnection({ host: '127.0.0.1', port: forwardPort });
    upstream.on('error', () => socket.destroy()).once('close', () => socket.destroy());
    socket.once('close', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    forwardTo: (port) => {
      forwardPort = port;
    },
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
