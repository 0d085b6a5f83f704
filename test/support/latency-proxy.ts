import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';

/** One Cognito API request as the proxy saw it. */
export interface SeenCall {
  operation: string;
  /** When it reached the proxy (ms since the epoch). */
  at: number;
}

export interface LatencyProxy {
  /** Give it to the service as COGNITO_ENDPOINT. */
  url: string;
  readonly calls: readonly SeenCall[];
  close(): Promise<void>;
}

/**
 * Forwards every request to `target` after `latencyMs` (a same-region round trip is ~40 ms, which
 * moto on loopback lacks), and records each Cognito operation with its time.
 */
export async function startLatencyProxy(target: string, latencyMs: number): Promise<LatencyProxy> {
  const calls: SeenCall[] = [];
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await buffer(incoming);
      const operation =
        String(incoming.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      if (operation) calls.push({ operation, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
