import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import {
  connect,
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';

/** What a proxy saw: connections opened to it, and requests by label (HTTP only). */
export interface Tally {
  connections: number;
  /** step → operation → count */
  calls: Record<string, Record<string, number>>;
}

export interface CountingProxy {
  /** `http://127.0.0.1:PORT` or `smtp://127.0.0.1:PORT` */
  url: string;
  tally: Tally;
  /** Which step the next requests belong to. */
  step: string;
  /** Forgets what was counted. */
  reset(): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) stay on their own hop: moto's server closes every connection,
 * and passing its `connection: close` on would hide whether the service keeps its own alive.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);
const endToEnd = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

async function listen(
  server: Server,
  scheme: string,
  tally: Tally,
  close: () => void,
): Promise<CountingProxy> {
  server.on('connection', () => tally.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tally,
    step: '',
    reset: () => Object.assign(tally, { connections: 0, calls: {} }),
    close: async () => {
      close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A reverse proxy in front of Cognito (moto) that counts connections and calls by operation
 * (`X-Amz-Target`; the JWKS GET as `JWKS`), under the step it was told.
 */
export async function startCognitoCounter(
  target: string,
  /** Told of every call as it arrives (for rates over time). */
  onCall?: (operation: string) => void,
): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const tally: Tally = { connections: 0, calls: {} };
  const server = createServer((req, res) => {
    const header = req.headers['x-amz-target'];
    const operation = typeof header === 'string' ? header.replace(TARGET_PREFIX, '') : 'JWKS';
    const byStep = (tally.calls[proxy.step] ??= {});
    byStep[operation] = (byStep[operation] ?? 0) + 1;
    onCall?.(operation);
    const forwarded = request(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: { ...endToEnd(req.headers), host: upstream.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    forwarded.once('error', () => res.destroy());
    req.pipe(forwarded);
  });
  const proxy = await listen(server, 'http', tally, () => {
    server.closeAllConnections();
    agent.destroy();
  });
  return proxy;
}

/** A TCP proxy in front of the SMTP server that counts the connections made to it. */
export async function startSmtpCounter(port: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      sockets.add(from);
      from.pipe(to);
      from.once('error', () => to.destroy()).once('close', () => sockets.delete(from));
    }
  });
  const tally: Tally = { connections: 0, calls: {} };
  return listen(server, 'smtp', tally, () => sockets.forEach((socket) => socket.destroy()));
}
