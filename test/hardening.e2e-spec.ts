import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { shutDownGracefully } from '../src/app.setup';
import { listUsersByEmail } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams } from './support/flows';
import { jobsDone } from './support/jobs';
import { startRedis, type RedisServer } from './support/redis';
import { startStack, type TestStack } from './support/stack';

/** Rate limits on, small enough to reach in a test; the client IP comes from X-Forwarded-For (one proxy hop). */
const LIMITS = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_IP_PER_MINUTE: '5',
  RATE_LIMIT_TARGET_PER_HOUR: '3',
  RATE_LIMIT_USER_PER_MINUTE: '2',
  TRUST_PROXY: '1',
};

describe('hardening', () => {
  let stack: TestStack;
  let n = 0;
  const freshEmail = () => `hardening${++n}.${Date.now()}@example.test`;
  let ipCounter = 0;
  /** A client address of its own, so per-IP limits of other tests don't interfere. */
  const freshIp = () => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  const post = (app: NestFastifyApplication, url: string, payload: object, ip = freshIp(), headers = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { 'x-forwarded-for': ip, ...headers } });

  const expect429 = (res: Awaited<ReturnType<typeof post>>) => {
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.any(String) as string });
  };

  describe('transport', () => {
    it('sends security headers', async () => {
      const res = await stack.app.inject({ method: 'GET', url: '/health' });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });

    it('gives every response a request id, keeping a well-formed incoming one', async () => {
      const fresh = await stack.app.inject({ method: 'GET', url: '/health' });
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const kept = await stack.app.inject({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': 'lb-42.a' },
      });
      expect(kept.headers['x-request-id']).toBe('lb-42.a');
      const forged = await stack.app.inject({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': `x${'y'.repeat(100)}` },
      });
      expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(stack.logs.text).toContain('"requestId":"lb-42.a"');
      await stack.app.inject({
        method: 'POST',
        url: '/accounts/signup',
        payload: { email: freshEmail() },
        headers: { 'x-request-id': 'audit-7' },
      });
      // The request's own line; the work it queued logs under its job (a later request of its own).
      const request = stack.logs.lines.filter((line) => line.includes('"requestId":"audit-7"'));
      expect(request.some((line) => line.includes('"path":"/accounts/signup"'))).toBe(true);
    });

    it('answers CORS preflights only for allowed origins', async () => {
      const { app } = await stack.bootApp({ env: { CORS_ORIGINS: 'https://app.example.test' } });
      const preflight = (origin: string) =>
        app.inject({
          method: 'OPTIONS',
          url: '/accounts/signup',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      const allowed = await preflight('https://app.example.test');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.test');
      expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST');
      const foreign = await preflight('https://evil.example');
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      const closed = await stack.app.inject({
        method: 'GET',
        url: '/health',
        headers: { origin: 'https://app.example.test' },
      });
      expect(closed.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('rate limits (in memory)', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => {
      ({ app } = await stack.bootApp({ env: LIMITS }));
    });

    it('limits one client IP across addresses', async () => {
      const ip = freshIp();
      for (let i = 0; i < 5; i++) {
        expect((await post(app, '/accounts/signup', { email: freshEmail() }, ip)).statusCode).toBe(202);
      }
      const email = freshEmail();
      expect429(await post(app, '/accounts/signup', { email }, ip));
      expect(await listUsersByEmail(stack.pool, email)).toHaveLength(0);
      // Another client is not affected.
      expect((await post(app, '/accounts/signup', { email: freshEmail() })).statusCode).toBe(202);
    });

    it('budgets mails to one address across client IPs, signup and resend together, without a 429', async () => {
      const email = freshEmail();
      expect((await post(app, '/accounts/signup', { email })).statusCode).toBe(202);
      expect((await post(app, '/accounts/signup/resend', { email: email.toUpperCase() })).statusCode).toBe(
        202,
      );
      expect((await post(app, '/accounts/signup', { email })).statusCode).toBe(202);
      await stack.smtp.waitForMail(email, { count: 3 });
      const over = await post(app, '/accounts/signup/resend', { email });
      expect(over.statusCode).toBe(202);
      await jobsDone(app);
      expect(stack.smtp.mailsTo(email)).toHaveLength(3);
    });

    it('limits authenticated writes per user', async () => {
      const user = await activatedUser(stack, freshEmail());
      const change = () =>
        post(app, '/accounts/me/email', { email: freshEmail() }, freshIp(), {
          authorization: `Bearer ${user.accessToken}`,
        });
      expect((await change()).statusCode).toBe(202);
      expect((await change()).statusCode).toBe(202);
      expect429(await change());
      // Reads are not limited.
      const me = await app.inject({
        method: 'GET',
        url: '/accounts/me',
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      expect(me.statusCode).toBe(200);
    });

    it("locks no username out: after wrong tokens from many IPs the owner's link still works", async () => {
      const email = freshEmail();
      await post(app, '/accounts/signup', { email });
      const { username, token } = linkParams(
        (await stack.smtp.waitForMail(email)).text,
        ACTIVATION_LINK_PREFIX,
      );
      for (let i = 0; i < 12; i++) {
        const wrong = await post(app, '/accounts/signup/complete', {
          username,
          token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
          password: 'Correct-Horse-9-Battery',
        });
        expect(wrong.json()).toMatchObject({ code: 'INVALID_ACTIVATION_LINK' });
      }
      const done = await post(app, '/accounts/signup/complete', {
        username,
        token,
        password: 'Correct-Horse-9-Battery',
      });
      expect(done.statusCode).toBe(200);
    });

    it('leaves health and documentation unlimited', async () => {
      const ip = freshIp();
      for (let i = 0; i < 12; i++) {
        const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-forwarded-for': ip } });
        expect(res.statusCode).toBe(200);
      }
    });
  });

  describe('with REDIS_URL, limits and the signup lock hold across instances', () => {
    let redis: RedisServer;
    let first: NestFastifyApplication;
    let second: NestFastifyApplication;
    beforeAll(async () => {
      redis = await startRedis();
      ({ app: first } = await stack.bootApp({ env: { ...LIMITS, REDIS_URL: redis.url } }));
      ({ app: second } = await stack.bootApp({ env: { ...LIMITS, REDIS_URL: redis.url } }));
    });
    afterAll(() => redis?.stop());

    it("counts one address's mails across two instances", async () => {
      const email = freshEmail();
      expect((await post(first, '/accounts/signup', { email })).statusCode).toBe(202);
      expect((await post(second, '/accounts/signup', { email })).statusCode).toBe(202);
      expect((await post(first, '/accounts/signup', { email })).statusCode).toBe(202);
      await stack.smtp.waitForMail(email, { count: 3 });
      expect((await post(second, '/accounts/signup', { email })).statusCode).toBe(202);
      await jobsDone(second);
      expect(stack.smtp.mailsTo(email)).toHaveLength(3);
    });

    it('lets no more than the per-IP limit through when 20 requests race across two instances', async () => {
      const ip = freshIp();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(
            i % 2 ? first : second,
            '/accounts/signup/complete',
            {
              username: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9',
              token: `race-${i}-${'x'.repeat(20)}`,
              password: 'x',
            },
            ip,
          ),
        ),
      );
      expect(answers.filter((res) => res.statusCode !== 429)).toHaveLength(5);
    });

    it('serializes simultaneous signups for one address across instances', async () => {
      const email = freshEmail();
      const answers = await Promise.all(
        [first, second, first].map((app) => post(app, '/accounts/signup', { email })),
      );
      expect(answers.map((r) => r.statusCode)).toEqual([202, 202, 202]);
      await stack.smtp.waitForMail(email, { count: 3 });
      expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
      // With the shared lock no instance ever had to remove a duplicate.
      expect(stack.logs.text).not.toContain('signup.leftover-removed');
    });

    it('answers 503 when Redis is gone, never 500', async () => {
      await redis.stop();
      const res = await post(first, '/accounts/signup', { email: freshEmail() });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    });

    it('shuts down with Redis still gone, within seconds', async () => {
      const started = Date.now();
      await Promise.all([first.close(), second.close()]);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(first.getHttpServer().listening).toBe(false);
    });
  });

  describe('graceful shutdown', () => {
    it('finishes a signup in flight (its mail is sent), refuses new requests, then closes', async () => {
      const { app } = await stack.bootApp();
      await app.listen(0, '127.0.0.1');
      const base = await app.getUrl();
      const email = freshEmail();
      stack.smtp.holdNext(600);
      const inFlight = fetch(`${base}/accounts/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      // Wait until the account exists: the request is now between Cognito and the mail server.
      while ((await listUsersByEmail(stack.pool, email)).length === 0)
        await new Promise((r) => setTimeout(r, 20));
      const closing = shutDownGracefully(app);
      const late = await fetch(`${base}/health`).then(
        (res) => res.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(late);
      expect((await inFlight).status).toBe(202);
      await closing;
      expect(stack.smtp.mailsTo(email)).toHaveLength(1);
      expect(app.getHttpServer().listening).toBe(false);
    });
  });
});
