import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock } from '../src/common/clock';
import { mailboxKey } from '../src/rate-limit/mailbox';
import { CONFIRMATION_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams } from './support/flows';
import { jobsDone } from './support/jobs';
import { startRedis, type RedisServer } from './support/redis';
import { startSiteverify, type Siteverify } from './support/siteverify';
import { startStack, type TestStack } from './support/stack';

/** Stands still unless the test moves it: two requests at one instant get one Retry-After. */
class StillClock extends Clock {
  at = Date.now();
  override now(): Date {
    return new Date(this.at);
  }
}

const WINDOW_MS = 15_000;
/**
 * The default quotas less 20 % allow 20 public jobs a second (UserUpdate, the tightest); 1 % of
 * that over 15 s is a global budget of 3 requests a window, reached in a test.
 */
const ADMISSION = {
  ADMISSION_ENABLED: 'true',
  ADMISSION_QUOTA_SHARE_PERCENT: '1',
  ADMISSION_WINDOW_SECONDS: String(WINDOW_MS / 1_000),
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_IP_PER_MINUTE: '10000',
  RATE_LIMIT_TARGET_PER_HOUR: '3',
};
const BUDGET = 3;

/**
 * Issue 21's flood findings: the queue flooded within the per-IP limits, and one mailbox bombed
 * through several kinds of mail and `+tag` spellings. Each shows the door holding and the real
 * user still served.
 */
describe('attacks: a flood meets the door, not a backlog', () => {
  const clock = new StillClock();
  let stack: TestStack;
  let redis: RedisServer;
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({ env: ADMISSION, override: (b) => b.overrideProvider(Clock).useValue(clock) });
    redis = await startRedis();
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });
  // Each test starts at the beginning of a fresh window of the global budget.
  beforeEach(() => {
    clock.at = (Math.floor(clock.at / WINDOW_MS) + 1) * WINDOW_MS;
  });

  const post = (app: NestFastifyApplication, url: string, payload: object, headers = {}) =>
    app.inject({ method: 'POST', url, payload, headers });

  it('beyond the global budget: 503 + Retry-After, the same for a known and an unknown address', async () => {
    const known = await activatedUser(stack, freshEmail('known'));
    clock.at += WINDOW_MS;
    for (let i = 0; i < BUDGET; i++) {
      expect((await post(stack.app, '/accounts/signup', { email: freshEmail('flood') })).statusCode).toBe(
        202,
      );
    }
    const answers = await Promise.all([
      post(stack.app, '/accounts/signup', { email: known.email }),
      post(stack.app, '/accounts/signup', { email: freshEmail('unknown') }),
      post(stack.app, '/accounts/password/forgot', { email: known.email }),
      post(stack.app, '/accounts/password/forgot', { email: freshEmail('unknown') }),
      post(stack.app, '/accounts/signup/resend', { email: known.email }),
    ]);
    const seen = answers.map((res) => ({
      status: res.statusCode,
      retry: res.headers['retry-after'],
      body: res.body,
    }));
    expect(new Set(seen.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(seen[0].status).toBe(503);
    expect(JSON.parse(seen[0].body)).toMatchObject({ code: 'SERVICE_BUSY' });
    expect(Number(seen[0].retry)).toBeGreaterThan(0);
    expect(Number(seen[0].retry)).toBeLessThanOrEqual(WINDOW_MS / 1_000);

    // The next window admits again; routes that start no Cognito work were never held.
    expect(
      (await post(stack.app, '/accounts/signup/complete', { username: 'x', token: 'y', password: 'z' }))
        .statusCode,
    ).not.toBe(503);
    clock.at += WINDOW_MS;
    expect((await post(stack.app, '/accounts/signup', { email: freshEmail('later') })).statusCode).toBe(202);
  });

  it('two instances on one store share one budget', async () => {
    const shared = {
      ...ADMISSION,
      REDIS_URL: redis.url,
      QUEUE_ENGINE: 'memory',
      INSTANCE_COUNT: '2',
    };
    const [a, b] = [(await stack.bootApp({ env: shared })).app, (await stack.bootApp({ env: shared })).app];
    const statuses = [];
    for (const app of [a, b, a, b, a, b]) {
      statuses.push((await post(app, '/accounts/signup', { email: freshEmail('shared') })).statusCode);
    }
    expect(statuses).toEqual([202, 202, 202, 503, 503, 503]);
    await Promise.all([jobsDone(a), jobsDone(b)]);
  });

  it('beyond the queue ceiling: 503 at the door, while readiness stays 200 and reports the backlog', async () => {
    const { app } = await stack.bootApp({
      env: { ...ADMISSION, ADMISSION_QUOTA_SHARE_PERCENT: '100', ADMISSION_MAX_QUEUE_DEPTH: '2' },
    });
    // A mail outage: signup jobs fail at their mail and wait for their retries.
    stack.smtp.setRejecting(true);
    try {
      for (let i = 0; i < 3; i++) {
        expect((await post(app, '/accounts/signup', { email: freshEmail('backlog') })).statusCode).toBe(202);
      }
      clock.at += 1_000;
      const refused = await post(app, '/accounts/signup', { email: freshEmail('backlog') });
      expect({ status: refused.statusCode, code: refused.json<{ code: string }>().code }).toEqual({
        status: 503,
        code: 'SERVICE_BUSY',
      });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', backlog: { waiting: 3, admitting: false } });
    } finally {
      stack.smtp.setRejecting(false);
    }
    await jobsDone(app);
    clock.at += 1_000;
    expect((await post(app, '/accounts/signup', { email: freshEmail('drained') })).statusCode).toBe(202);
  });

  it('one mailbox bombed through every kind and +tag spelling gets its budget; the signed-in owner still gets mail', async () => {
    const { app } = await stack.bootApp({ env: { ...ADMISSION, ADMISSION_ENABLED: 'false' } });
    const box = `bombed${++n}.${Date.now()}`;
    const spellings = [
      `${box}@example.test`,
      `${box}+1@example.test`,
      `${box.toUpperCase()}@Example.test`,
      `${box}+2@example.test`,
    ];
    const requests = spellings.flatMap((email) => [
      ['/accounts/signup', email],
      ['/accounts/signup/resend', email],
      ['/accounts/password/forgot', email],
    ]);
    const answers = [];
    for (const [url, email] of requests) answers.push(await post(app, url, { email }));
    // Every request answered alike, refused or not.
    expect(new Set(answers.map((res) => `${res.statusCode} ${res.body}`)).size).toBe(1);
    expect(answers[0].statusCode).toBe(202);
    await jobsDone(app);
    const inBox = () =>
      stack.smtp.messages.filter((mail) => mail.to.some((to) => mailboxKey(to) === `${box}@example.test`));
    expect(inBox()).toHaveLength(3);

    // The owner, signed in elsewhere, moves the account to a spelling of this mailbox: the mail comes.
    const owner = await activatedUser(stack, freshEmail('owner'));
    const change = await post(
      app,
      '/accounts/me/email',
      { email: `${box}+mine@example.test` },
      {
        authorization: `Bearer ${owner.accessToken}`,
      },
    );
    expect(change.statusCode).toBe(202);
    const mail = await stack.smtp.waitForMail(`${box}+mine@example.test`);
    expect(linkParams(mail.text, CONFIRMATION_LINK_PREFIX).username).toBe(owner.username);
  });

  describe('the optional CAPTCHA', () => {
    let verifier: Siteverify;
    let app: NestFastifyApplication;
    const signup = (headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/accounts/signup',
        payload: { email: freshEmail('captcha') },
        headers,
      });

    beforeAll(async () => {
      verifier = await startSiteverify('captcha-test-secret');
      ({ app } = await stack.bootApp({
        env: {
          CAPTCHA_PROVIDER: 'turnstile',
          CAPTCHA_SECRET: 'captcha-test-secret',
          CAPTCHA_VERIFY_URL: verifier.url,
          CAPTCHA_TIMEOUT_MS: '2000',
          ADMISSION_ENABLED: 'false',
        },
      }));
    });
    afterAll(() => verifier?.stop());

    it('is off by default', async () => {
      expect((await post(stack.app, '/accounts/signup', { email: freshEmail('plain') })).statusCode).toBe(
        202,
      );
    });

    it('refuses a missing or failed token with 400 CAPTCHA_FAILED and admits a good one', async () => {
      const missing = await signup();
      const failed = await signup({ 'x-captcha-token': 'bad-token' });
      for (const res of [missing, failed]) {
        expect({ status: res.statusCode, code: res.json<{ code: string }>().code }).toEqual({
          status: 400,
          code: 'CAPTCHA_FAILED',
        });
      }
      expect((await signup({ 'x-captcha-token': 'good-token' })).statusCode).toBe(202);
      // The secret went to the verifier, server-side, with the client's token.
      expect(verifier.calls.at(-1)).toEqual({ secret: 'captcha-test-secret', response: 'good-token' });
    });

    it('answers 503 with Retry-After when the verifier fails or is down, and lets nothing through', async () => {
      verifier.mode = 'down';
      const failing = await signup({ 'x-captcha-token': 'good-token' });
      await verifier.stop();
      const down = await signup({ 'x-captcha-token': 'good-token' });
      for (const res of [failing, down]) {
        expect({ status: res.statusCode, code: res.json<{ code: string }>().code }).toEqual({
          status: 503,
          code: 'CAPTCHA_UNAVAILABLE',
        });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    });
  });
});
