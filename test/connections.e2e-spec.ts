import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startStack, type TestStack } from './support/stack';
import type { CapturedLogs } from './support/captured-logs';

/** A GET from a chosen local address (the whole of 127.0.0.0/8 is loopback on Linux). */
function getFrom(localAddress: string, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('connections: one client cannot take them all; a cut-off body is no error', () => {
  let stack: TestStack;
  let app: NestFastifyApplication;
  let logs: CapturedLogs;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack();
    ({ app, logs } = await stack.bootApp({
      env: {
        HTTP_MAX_CONNECTIONS: '10',
        HTTP_MAX_CONNECTIONS_PER_CLIENT: '4',
        HTTP_HEADERS_TIMEOUT_MS: '20000',
      },
    }));
    await app.listen(0, '127.0.0.1');
    port = Number(new URL(await app.getUrl()).port);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await stack?.close();
  });

  /** A connection from 127.0.0.1 that starts a request's headers and never ends them. */
  const slowClient = () =>
    new Promise<{ closed: Promise<number> }>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' });
      sockets.push(socket);
      const started = Date.now();
      const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
      socket.on('error', () => undefined);
      socket.on('connect', () => {
        socket.write('POST /accounts/signup HTTP/1.1\r\nHost: x\r\nX-Slow: a');
        resolve({ closed });
      });
    });

  it('closes a client’s connections over HTTP_MAX_CONNECTIONS_PER_CLIENT at once; another client is served', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, slowClient));
    // Enough to fill the whole cap (10) were they let in.
    const over = await Promise.all(Array.from({ length: 12 }, slowClient));
    for (const lifetime of await Promise.all(over.map((client) => client.closed))) {
      expect(lifetime).toBeLessThan(5_000);
    }
    const stillOpen = await Promise.race([
      Promise.all(held.map((client) => client.closed)).then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(true), 300)),
    ]);
    expect(stillOpen).toBe(true);
    for (let i = 0; i < 6; i++) expect(await getFrom('127.0.0.2', port, '/health')).toBe(200);
  });

  it('logs a request body cut off mid-way at info, without an error or a stack', async () => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.3' });
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write(
      'POST /accounts/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"email":',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lines = logs.lines.filter((line) => line.includes('cut off'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"level":30');
    expect(lines[0]).toContain('Request body cut off by the client in POST /accounts/signup');
    expect(logs.lines.filter((line) => line.includes('"level":50'))).toEqual([]);
    expect(logs.text).not.toContain('"stack"');
  });
});
