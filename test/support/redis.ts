import { createConnection } from 'node:net';
import { freePort, startProcess, StartProcessError } from '../../tools/child-process';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A throw-away `redis-server` on a free loopback port (or the one given), nothing persisted. */
export async function startRedis(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  try {
    const redis = await startProcess({
      name: 'redis-server',
      command: 'redis-server',
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      stdio: 'ignore',
      detached: true,
      ready: () => canConnect(port),
      timeoutMs: 10_000,
      pollMs: 50,
    });
    return { url: `redis://127.0.0.1:${port}`, stop: redis.stop };
  } catch (error) {
    if (error instanceof StartProcessError && error.spawnError) {
      throw new Error(
        `redis-server could not start (apt-get install redis-server): ${error.spawnError.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
