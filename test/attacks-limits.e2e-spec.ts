import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getUserAttributes } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';

/** Small limits, reached in a test; the client IP is the nearest X-Forwarded-For entry (one proxy hop). */
const LIMITS = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_IP_PER_MINUTE: '5',
  RATE_LIMIT_TARGET_PER_HOUR: '3',
  RATE_LIMIT_USER_PER_MINUTE: '2',
  TRUST_PROXY: '1',
};

/**
 * Attacks on the limits (issue 15, paths 3, 4, 5 and 9's proxies): strangers flooding a mailbox,
 * breaking or blocking an activation, locking an owner out, dodging per-IP limits. Each shows the
 * attack failing and the owner still getting through.
 */
describe('attacks: limits that strangers can neither dodge nor turn against an owner', () => {
  let stack: TestStack;
  let app: NestFastifyApplication;
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;
  let ips = 0;
  const freshIp = () => `198.51.100.${++ips}`;

  beforeAll(async () => {
    stack = await startStack();
    ({ app } = await stack.bootApp({ env: LIMITS }));
  });
  afterAll(() => stack?.close());

  const post = (url: string, payload: object, forwardedFor = freshIp(), headers = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { 'x-forwarded-for': forwardedFor, ...headers } });
  const activationLink = async (email: string, count = 1) =>
    linkParams((await stack.smtp.waitForMail(email, { count })).text, ACTIVATION_LINK_PREFIX);

  it("path 3: strangers' resends neither break the owner's link nor block the owner's resend", async () => {
    const victim = freshEmail('victim');
    expect((await post('/accounts/signup', { email: victim })).statusCode).toBe(202);
    const held = await activationLink(victim);

    // Nine resends for the victim's address, each from another address.
    const answers = [];
    for (let i = 0; i < 9; i++)
      answers.push((await post('/accounts/signup/resend', { email: victim })).statusCode);
    expect(answers).toEqual(Array<number>(9).fill(202));
    await jobsDone(app);
    // The mailbox got the budget (3 in all), not ten.
    expect(stack.smtp.mailsTo(victim)).toHaveLength(3);

    // The owner's own resend is answered as always: no 429 that would tell of the flood.
    const own = await post('/accounts/signup/resend', { email: victim });
    expect(own.statusCode).toBe(202);
    const first = await post('/accounts/signup', { email: freshEmail('other') });
    expect(own.body).toBe(first.body);

    // And the link the owner held from the start still activates the account.
    const done = await post('/accounts/signup/complete', {
      username: held.username,
      token: held.token,
      password: TEST_PASSWORD,
    });
    expect(done.statusCode).toBe(200);
  });

  it('path 4: wrong tokens from many IPs lock nobody out; the right one still works', async () => {
    const email = freshEmail('owner');
    await post('/accounts/signup', { email });
    const { username, token } = await activationLink(email);
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (let i = 0; i < 10; i++) {
      const res = await post('/accounts/signup/complete', {
        username,
        token: wrong,
        password: TEST_PASSWORD,
      });
      expect(res.json()).toMatchObject({ code: 'INVALID_ACTIVATION_LINK' });
    }
    const done = await post('/accounts/signup/complete', { username, token, password: TEST_PASSWORD });
    expect(done.statusCode).toBe(200);
  });

  it('path 4: twenty parallel guesses from one IP get no more than the per-IP limit through', async () => {
    const ip = freshIp();
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(
          '/accounts/signup/complete',
          {
            username: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9',
            token: `guess-${i}-${'x'.repeat(20)}`,
            password: TEST_PASSWORD,
          },
          ip,
        ),
      ),
    );
    const statuses = guesses.map((res) => res.statusCode);
    expect(statuses.filter((status) => status !== 429)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it('path 5: email-change requests from several accounts cannot flood one mailbox', async () => {
    const victim = freshEmail('flooded');
    const accounts = await Promise.all(
      [1, 2, 3].map((i) => activatedUser(stack, freshEmail(`flooder${i}-`))),
    );
    const answers = [];
    for (const account of accounts) {
      for (let i = 0; i < 2; i++) {
        const res = await post('/accounts/me/email', { email: victim }, freshIp(), {
          authorization: `Bearer ${account.accessToken}`,
        });
        answers.push(res.statusCode);
      }
    }
    // The mailbox's signed-in budget (3), then a 429 the requester sees: never a silent drop.
    expect(answers).toEqual([202, 202, 202, 429, 429, 429]);
    await jobsDone(app);
    expect(stack.smtp.mailsTo(victim)).toHaveLength(3);

    // From one IP the same accounts are cut off by the per-IP limit (5 a minute), writes included.
    const ip = freshIp();
    const fromOneIp = [];
    for (const account of accounts) {
      for (let i = 0; i < 2; i++) {
        const res = await post('/accounts/me/email', { email: freshEmail('other') }, ip, {
          authorization: `Bearer ${account.accessToken}`,
        });
        fromOneIp.push(res.statusCode);
      }
    }
    expect(fromOneIp.filter((status) => status === 429).length).toBeGreaterThan(0);
    // None of it touched the accounts' own addresses.
    for (const account of accounts) {
      expect((await getUserAttributes(stack.pool, account.username)).email).toBe(account.email);
    }
  });

  it('path 9: a forged leftmost X-Forwarded-For entry does not reset the per-IP count', async () => {
    const real = freshIp();
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await post('/accounts/signup', { email: freshEmail('spoof') }, `10.9.8.${i}, ${real}`);
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('path 9: an IPv6 client rotating through its /64 is counted once; another /64 is not affected', async () => {
    const statuses = [];
    for (let i = 1; i <= 6; i++) {
      const res = await post(
        '/accounts/signup',
        { email: freshEmail('v6') },
        `2001:db8:7:7::${i.toString(16)}`,
      );
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const neighbour = await post('/accounts/signup', { email: freshEmail('v6') }, '2001:db8:7:8::1');
    expect(neighbour.statusCode).toBe(202);
  });
});
