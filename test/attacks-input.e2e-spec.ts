import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type Socket } from 'node:net';
import { listUsersByEmail } from './support/cognito-pool';
import { activatedUser } from './support/flows';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';

/**
 * Attacks through input and transport (issue 15, paths 6, 7, 8 and 9's logs): quoted addresses,
 * deep or wide JSON, slow clients, secrets in query strings. Each attack fails; the plain request
 * next to it still works.
 */
describe('attacks: hostile input, slow clients, secrets in URLs', () => {
  let stack: TestStack;
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  const signup = (payload: string | object, url = '/accounts/signup') =>
    stack.app.inject({
      method: 'POST',
      url,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });
  const messageOf = (res: { json: () => unknown }) =>
    [(res.json() as { message: string | string[] }).message].flat().join(' ');

  describe('path 6: quoted local parts', () => {
    it.each(['"alice"@example.test', '"<img/src=x/onerror=alert(1)>"@example.test'])(
      '%s is refused on signup, resend and email change, and no account is made',
      async (email) => {
        for (const url of ['/accounts/signup', '/accounts/signup/resend']) {
          const res = await signup({ email }, url);
          expect(res.statusCode).toBe(400);
          expect(messageOf(res)).toContain('without quotes');
        }
        await jobsDone(stack.app);
        expect(await listUsersByEmail(stack.pool, email.toLowerCase())).toHaveLength(0);
        expect(stack.smtp.mailsTo(email)).toHaveLength(0);
      },
    );

    it('the same rule holds for an email change; the unquoted address works', async () => {
      const user = await activatedUser(stack, freshEmail('quoted'));
      const change = (email: string) =>
        stack.app.inject({
          method: 'POST',
          url: '/accounts/me/email',
          headers: { authorization: `Bearer ${user.accessToken}` },
          payload: { email },
        });
      const plain = freshEmail('plain');
      const quoted = await change(`"${plain.split('@')[0]}"@example.test`);
      expect(quoted.statusCode).toBe(400);
      expect(messageOf(quoted)).toContain('without quotes');
      expect((await change(plain)).statusCode).toBe(202);
      await stack.smtp.waitForMail(plain);
    });
  });

  describe('path 7: JSON that costs the validator dearly', () => {
    it('a 5 000-level nested body answers 400 with a plain message, not 500', async () => {
      const deep = `{"email":"a@example.test","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
      const res = await signup(deep);
      expect(res.statusCode).toBe(400);
      expect(messageOf(res)).toMatch(/nested too deeply/);
      expect(stack.logs.text).not.toContain('Unhandled error');
    });

    it('a 99 kB field name comes back cut to a short prefix', async () => {
      const res = await signup({ email: freshEmail('long'), ['k'.repeat(99_000)]: 1 });
      expect(res.statusCode).toBe(400);
      expect(res.body.length).toBeLessThan(300);
      expect(messageOf(res)).toMatch(/^property k{40}… should not exist$/);
    });

    it('thousands of unknown keys get one short answer; dozens get ten messages and a count', async () => {
      const many = Object.fromEntries(Array.from({ length: 9_000 }, (_, i) => [`k${i}`, 1]));
      const huge = await signup({ email: freshEmail('wide'), ...many });
      expect(huge.statusCode).toBe(400);
      expect(huge.body.length).toBeLessThan(300);
      const some = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 1]));
      const res = await signup({ email: freshEmail('wide'), ...some });
      expect(res.statusCode).toBe(400);
      const messages = res.json<{ message: string[] }>().message;
      expect(messages).toHaveLength(11);
      expect(messages.at(-1)).toBe('and 40 more');
    });

    it('the plain request next to them still works', async () => {
      const email = freshEmail('plain');
      expect((await signup({ email })).statusCode).toBe(202);
      await stack.smtp.waitForMail(email);
    });
  });

  describe('path 8: slow clients on a real port', () => {
    let app: NestFastifyApplication;
    let port: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      ({ app } = await stack.bootApp({
        env: { HTTP_HEADERS_TIMEOUT_MS: '1500', HTTP_REQUEST_TIMEOUT_MS: '3000', HTTP_MAX_CONNECTIONS: '12' },
      }));
      await app.listen(0, '127.0.0.1');
      port = Number(new URL(await app.getUrl()).port);
    });
    afterAll(() => sockets.forEach((socket) => socket.destroy()));

    /** A connection that sends a request's headers one byte every 400 ms; resolves with when it was closed. */
    const slowClient = () =>
      new Promise<{ socket: Socket; closed: Promise<number> }>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        const started = Date.now();
        const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
        socket.on('error', () => undefined);
        socket.on('connect', () => {
          socket.write('POST /accounts/signup HTTP/1.1\r\nHost: x\r\nX-Slow: ');
          const drip = setInterval(() => (socket.writable ? socket.write('a') : clearInterval(drip)), 400);
          socket.on('close', () => clearInterval(drip));
          resolve({ socket, closed });
        });
      });

    it('closes every connection that drips its headers within the header timeout', async () => {
      const clients = await Promise.all(Array.from({ length: 10 }, slowClient));
      const lifetimes = await Promise.all(clients.map((client) => client.closed));
      // 1.5 s header timeout, checked every second: never the minutes a slow client would like (the
      // bound leaves a busy machine seconds of slack; without the timeout the drip goes on for ever).
      for (const lifetime of lifetimes) expect(lifetime).toBeLessThan(10_000);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    });

    it('closes connections over HTTP_MAX_CONNECTIONS at once', async () => {
      const held = await Promise.all(Array.from({ length: 12 }, slowClient));
      const over = await Promise.all(Array.from({ length: 3 }, slowClient));
      const overLifetimes = await Promise.all(over.map((client) => client.closed));
      // Cut by the connection limit, before the header timeout (1.5 s at the earliest) could.
      for (const lifetime of overLifetimes) expect(lifetime).toBeLessThan(1_400);
      await Promise.all(held.map((client) => client.closed));
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    });
  });

  describe('path 9: query strings never reach a log line', () => {
    it('an error logged for a request keeps its path and drops its query', async () => {
      const { app } = await stack.bootApp({
        env: { COGNITO_ENDPOINT: 'http://127.0.0.1:9', COGNITO_MAX_ATTEMPTS: '1', COGNITO_TIMEOUT_MS: '500' },
      });
      const res = await app.inject({
        method: 'POST',
        url: '/accounts/signup/complete?u=x&t=query-secret-in-a-link',
        payload: {
          username: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9',
          token: 'A'.repeat(32),
          password: 'Correct-Horse-9-Battery',
        },
      });
      expect(res.statusCode).toBe(503);
      const lines = stack.logs.lines.filter((line) => line.includes('/accounts/signup/complete'));
      expect(lines.some((line) => line.includes('IDENTITY_PROVIDER_UNAVAILABLE'))).toBe(true);
      expect(stack.logs.text).not.toContain('query-secret-in-a-link');
    });

    it('an unknown route answers and logs its path only', async () => {
      const res = await stack.app.inject({ method: 'GET', url: '/accounts/nowhere?t=another-query-secret' });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('another-query-secret');
      expect(stack.logs.text).not.toContain('another-query-secret');
    });
  });
});
