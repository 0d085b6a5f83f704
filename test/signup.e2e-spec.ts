import { decodeJwt } from './support/jwt';
import { getUserAttributes, listUsersByEmail, signInFrontend } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX } from './support/env';
import { linkFrom } from './support/links';
import { linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { startRedis, type RedisServer } from './support/redis';
import type { ReceivedMail } from './support/smtp';
import { startStack, TestStack } from './support/stack';
import { until } from './support/until';

describe('signup and activation (moto + real SMTP)', () => {
  let stack: TestStack;
  let n = 0;
  /** A fresh address per test, so tests don't see each other's accounts. */
  const freshEmail = () => `user${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.smtp.clear());

  const post = (url: string, payload: unknown) =>
    stack.app.inject({ method: 'POST', url, payload: payload as object });
  const signup = (email: string, locale?: string) =>
    post('/accounts/signup', { email, ...(locale ? { locale } : {}) });
  const complete = (username: string, token: string, password = TEST_PASSWORD) =>
    post('/accounts/signup/complete', { username, token, password });
  /** The link as a frontend gets it: the activation URL's `u` and `t` parameters. */
  const linkIn = (mail: ReceivedMail) => linkParams(mail.text, ACTIVATION_LINK_PREFIX);
  const mailCount = (email: string) => stack.smtp.mailsTo(email).length;

  it('signs up, mails a multi-part activation link, activates, and the user signs in with the frontend client', async () => {
    const email = freshEmail();
    const res = await signup(email);
    expect(res.statusCode).toBe(202);

    const mail = await stack.smtp.waitForMail(email);
    expect(mail.contentType).toBe('multipart/alternative');
    expect(mail.fromAddress).toBe('no-reply@example.test');
    const { url, username, token } = linkIn(mail);
    expect(username).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(token.length).toBeGreaterThanOrEqual(32);
    // The same link in the HTML part, as the button's target.
    expect(linkFrom(mail.html ?? '', ACTIVATION_LINK_PREFIX).href).toBe(url.href);

    const before = await getUserAttributes(stack.pool, username);
    expect(before).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', email });
    expect(before.email_verified).not.toBe('true');

    const done = await complete(username, token);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ username, email });

    const after = await getUserAttributes(stack.pool, username);
    expect(after).toMatchObject({ UserStatus: 'CONFIRMED', email, email_verified: 'true' });

    const tokens = await signInFrontend(stack.pool, username, TEST_PASSWORD);
    expect(decodeJwt(tokens.AccessToken ?? '')).toMatchObject({
      client_id: stack.pool.frontendClientId,
      username,
      token_use: 'access',
    });
  });

  it('normalizes the address: one account however it is typed', async () => {
    const email = freshEmail();
    await signup(`  ${email.toUpperCase()}  `);
    await signup(email.replace('user', 'User'));
    expect(await stack.smtp.waitForMail(email, { count: 2 })).toBeDefined();
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
  });

  it('answers byte-identically for a new, a not yet activated and an active address', async () => {
    const fresh = await signup(freshEmail());
    const pendingEmail = freshEmail();
    await signup(pendingEmail);
    const pending = await signup(pendingEmail);
    const activeEmail = freshEmail();
    await signup(activeEmail);
    const { username, token } = linkIn(await stack.smtp.waitForMail(activeEmail));
    expect((await complete(username, token)).statusCode).toBe(200);
    const active = await signup(activeEmail);

    const shape = (r: typeof fresh) => ({
      status: r.statusCode,
      body: r.body,
      type: r.headers['content-type'],
      length: r.headers['content-length'],
    });
    expect(shape(pending)).toEqual(shape(fresh));
    expect(shape(active)).toEqual(shape(fresh));
    expect(fresh.statusCode).toBe(202);
  });

  it('signing up again before activating sends a further link, and the first one keeps working', async () => {
    const email = freshEmail();
    await signup(email);
    const first = linkIn(await stack.smtp.waitForMail(email));
    await signup(email);
    const second = linkIn(await stack.smtp.waitForMail(email, { count: 2 }));

    expect(second.username).toBe(first.username);
    expect(second.token).not.toBe(first.token);
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
    // Whoever asked for the second mail, the owner's first link still activates; then both are spent.
    expect((await complete(first.username, first.token)).statusCode).toBe(200);
    expect((await complete(second.username, second.token)).statusCode).toBe(400);
  });

  it('resend follows the same rules and gives the same answer', async () => {
    const email = freshEmail();
    const first = await signup(email);
    const old = linkIn(await stack.smtp.waitForMail(email));
    const resent = await post('/accounts/signup/resend', { email });
    expect(resent.statusCode).toBe(202);
    expect(resent.body).toBe(first.body);
    const fresh = linkIn(await stack.smtp.waitForMail(email, { count: 2 }));
    expect(fresh.username).toBe(old.username);
    expect((await complete(fresh.username, fresh.token)).statusCode).toBe(200);
  });

  it('an active account gets a reminder to sign in, with no activation link, and keeps its password', async () => {
    const email = freshEmail();
    await signup(email);
    const { username, token } = linkIn(await stack.smtp.waitForMail(email));
    await complete(username, token);
    await signup(email);
    const reminder = await stack.smtp.waitForMail(email, { count: 2 });
    expect(reminder.contentType).toBe('multipart/alternative');
    expect(reminder.text).not.toContain(ACTIVATION_LINK_PREFIX);
    expect(reminder.html).not.toContain(ACTIVATION_LINK_PREFIX);
    expect(reminder.subject).not.toBe((await stack.smtp.waitForMail(email)).subject);
    await expect(signInFrontend(stack.pool, username, TEST_PASSWORD)).resolves.toBeDefined();
    expect(await getUserAttributes(stack.pool, username)).toMatchObject({ UserStatus: 'CONFIRMED' });
  });

  it('a wrong token, an unknown user and a used link get the same 400', async () => {
    const email = freshEmail();
    await signup(email);
    const { username, token } = linkIn(await stack.smtp.waitForMail(email));
    const wrongToken = await complete(
      username,
      token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    const unknownUser = await complete('9b2d7c1e-0f4a-4b7e-8c3d-2a1f0e9d8c7b', token);
    expect((await complete(username, token)).statusCode).toBe(200);
    const used = await complete(username, token);

    for (const res of [wrongToken, unknownUser, used]) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'INVALID_ACTIVATION_LINK',
        message: 'Invalid or expired activation link',
      });
    }
  });

  it('a password the pool rejects gets 400 with the policy message, and the link stays usable', async () => {
    const email = freshEmail();
    await signup(email);
    const { username, token } = linkIn(await stack.smtp.waitForMail(email));
    const weak = await complete(username, token, 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'INVALID_PASSWORD' });
    expect(weak.json<{ message: string }>().message).toMatch(/password/i);
    expect(await getUserAttributes(stack.pool, username)).toMatchObject({
      UserStatus: 'FORCE_CHANGE_PASSWORD',
    });
    expect((await complete(username, token)).statusCode).toBe(200);
  });

  it('writes emails in the requested language, falling back to English', async () => {
    const german = freshEmail();
    const austrian = freshEmail();
    const french = freshEmail();
    const english = freshEmail();
    await Promise.all([
      signup(german, 'de'),
      signup(austrian, 'de-AT'),
      signup(french, 'fr'),
      signup(english),
    ]);
    const [de, deAT, fr, en] = await Promise.all(
      [german, austrian, french, english].map((e) => stack.smtp.waitForMail(e)),
    );
    expect(deAT.subject).toBe(de.subject);
    expect(fr.subject).toBe(en.subject);
    expect(de.subject).not.toBe(en.subject);
    expect(de.text).toMatch(/Passwort/);
    const { username } = linkIn(de);
    expect(await getUserAttributes(stack.pool, username)).toMatchObject({ locale: 'de' });
  });

  it('ten simultaneous signups for one address leave exactly one account', async () => {
    const email = freshEmail();
    const answers = await Promise.all(Array.from({ length: 10 }, () => signup(email)));
    expect(answers.map((r) => r.statusCode)).toEqual(Array(10).fill(202));
    await stack.smtp.waitForMail(email, { count: 10 });
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
    // Every mail's link is one of the same account's; any of them activates it.
    const links = stack.smtp.mailsTo(email).map(linkIn);
    expect(new Set(links.map((link) => link.username)).size).toBe(1);
    expect((await complete(links[3].username, links[3].token)).statusCode).toBe(200);
  });

  it('several instances sharing Redis racing on one address still leave exactly one account', async () => {
    let redis: RedisServer | undefined;
    try {
      redis = await startRedis();
      const shared = { env: { REDIS_URL: redis.url } };
      const [one, two] = [await stack.bootApp(shared), await stack.bootApp(shared)];
      const email = freshEmail();
      const instances = [one.app, two.app, one.app, two.app, one.app, two.app];
      const answers = await Promise.all(
        instances.map((app) => app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } })),
      );
      expect(answers.map((r) => r.statusCode)).toEqual(Array(6).fill(202));
      await stack.smtp.waitForMail(email, { count: 6 });
      expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
      await Promise.all([one.app.close(), two.app.close()]);
    } finally {
      await redis?.stop();
    }
  });

  it('mail refused: still 202, and the job retries until the mail is delivered', async () => {
    const email = freshEmail();
    stack.smtp.rejectNext(2);
    const accepted = await signup(email);
    expect(accepted.statusCode).toBe(202);
    const { username, token } = linkIn(await stack.smtp.waitForMail(email));
    expect(mailCount(email)).toBe(1);
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
    expect((await complete(username, token)).statusCode).toBe(200);
  });

  it('mail server unreachable: 202 at once, and a new signup through a working instance recovers the account', async () => {
    const down = await stack.bootApp({
      env: { SMTP_URL: 'smtp://127.0.0.1:1', JOB_RETRY_HORIZON_HOURS: '1' },
    });
    const email = freshEmail();
    const accepted = await down.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
    expect(accepted.statusCode).toBe(202);
    await until(
      'the job created the account',
      async () => (await listUsersByEmail(stack.pool, email)).length > 0,
    );
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
    await down.app.close();
    expect((await signup(email)).statusCode).toBe(202);
    const { username, token } = linkIn(await stack.smtp.waitForMail(email));
    expect((await complete(username, token)).statusCode).toBe(200);
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
  });

  it('never puts a token or a temporary password into a response or a log line', async () => {
    const email = freshEmail();
    const responses = [await signup(email)];
    const first = linkIn(await stack.smtp.waitForMail(email));
    responses.push(await signup(email));
    const second = linkIn(await stack.smtp.waitForMail(email, { count: 2 }));
    responses.push(await complete(second.username, second.token, 'short'));
    responses.push(await complete(second.username, first.token));
    responses.push(await complete(second.username, second.token));
    responses.push(await signup(email));
    await jobsDone(stack.app);

    const secrets = [first.token, second.token, TEST_PASSWORD, 'short'];
    const logs = stack.logs.text;
    expect(logs).toContain(second.username); // the logs are captured and do speak of the account
    for (const secret of secrets.slice(0, 3)) {
      expect(logs).not.toContain(secret);
      for (const res of responses) expect(res.body).not.toContain(secret);
    }
  });
});
