import { VERIFICATION_ATTRIBUTE } from '../src/cognito/attributes';
import { Clock } from '../src/common/clock';
import { getUserAttributes, listUsersByEmail, signInFrontend } from './support/cognito-pool';
import { CONFIRMATION_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { ManualClock } from './support/manual-clock';
import { startStack, TestStack } from './support/stack';

describe('self-service email change (moto + real SMTP)', () => {
  let stack: TestStack;
  const clock = new ManualClock();
  let n = 0;
  const freshEmail = (tag = 'user') => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
  });
  afterAll(() => stack?.close());
  // A moved clock also ages every sign-in past RECENT_AUTH_MAX_AGE_MINUTES: back to now for the next test.
  afterEach(() => clock.reset());

  const auth = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
  const getMe = (accessToken: string) =>
    stack.app.inject({ method: 'GET', url: '/accounts/me', headers: auth(accessToken) });
  const requestChange = (accessToken: string, email: unknown) =>
    stack.app.inject({
      method: 'POST',
      url: '/accounts/me/email',
      headers: auth(accessToken),
      payload: { email },
    });
  const cancel = (accessToken: string) =>
    stack.app.inject({ method: 'DELETE', url: '/accounts/me/email', headers: auth(accessToken) });
  const confirm = (username: string, token: string) =>
    stack.app.inject({ method: 'POST', url: '/accounts/email/confirm', payload: { username, token } });
  /** The confirmation link of the `count`-th mail to an address. */
  const confirmationLink = async (email: string, count = 1) =>
    linkParams((await stack.smtp.waitForMail(email, { count })).text, CONFIRMATION_LINK_PREFIX);

  const INVALID_LINK = {
    statusCode: 400,
    error: 'Bad Request',
    code: 'INVALID_CONFIRMATION_LINK',
    message: 'Invalid or expired confirmation link',
  };

  it('changes the address only once the link mailed to the new address is followed', async () => {
    const user = await activatedUser(stack, freshEmail('old'));
    const newEmail = freshEmail('new');

    const requested = await requestChange(user.accessToken, `  ${newEmail.toUpperCase()} `);
    expect(requested.statusCode).toBe(202);
    // The request is queued; its job stores the pending change, then mails the link.
    const mail = await stack.smtp.waitForMail(newEmail);

    // Until confirmed, the old address is the account's (sign-in and password reset keep working).
    const pending = await getMe(user.accessToken);
    expect(pending.json()).toEqual({
      username: user.username,
      email: user.email,
      emailVerified: true,
      locale: null,
      mfa: { totp: false },
      pendingEmail: newEmail,
    });
    expect(pending.body).not.toContain('v1:');
    const stored = await getUserAttributes(stack.pool, user.username);
    expect(stored).toMatchObject({ email: user.email, email_verified: 'true', preferred_username: newEmail });

    expect(mail.contentType).toBe('multipart/alternative');
    const { username, token } = linkParams(mail.text, CONFIRMATION_LINK_PREFIX);
    expect(username).toBe(user.username);
    expect(mail.html).toContain(token);
    // Only a hash of the secret is stored.
    expect(stored[VERIFICATION_ATTRIBUTE]).toBeTruthy();
    expect(stored[VERIFICATION_ATTRIBUTE]).not.toContain(token);
    expect(stack.smtp.mailsTo(user.email)).toHaveLength(1); // just the activation mail so far

    const confirmed = await confirm(username, token);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({ email: newEmail });

    const after = await getUserAttributes(stack.pool, user.username);
    expect(after).toMatchObject({ email: newEmail, email_verified: 'true' });
    expect(after.preferred_username).toBeUndefined();
    expect(after[VERIFICATION_ATTRIBUTE]).toBeUndefined();
    expect((await getMe(user.accessToken)).json()).toMatchObject({ email: newEmail, pendingEmail: null });

    const notice = await stack.smtp.waitForMail(user.email, { count: 2 });
    expect(notice.contentType).toBe('multipart/alternative');
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toContain(token);
    await expect(signInFrontend(stack.pool, user.username, TEST_PASSWORD)).resolves.toBeDefined();
  });

  it('an address another account (or this one) already has: the same 202, no link, a notice to its owner', async () => {
    const user = await activatedUser(stack, freshEmail());
    const other = await activatedUser(stack, freshEmail());
    const freeEmail = freshEmail('free');
    const free = await requestChange(user.accessToken, freeEmail);
    for (const taken of [other.email, user.email]) {
      const res = await requestChange(user.accessToken, taken);
      // Answered before anything is looked up, so the answer cannot tell a taken address from a free one.
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe(free.body);
    }
    const notice = await stack.smtp.waitForMail(other.email, { count: 2 });
    expect(notice.subject).toMatch(/tried to use this address/);
    expect(notice.text).not.toContain(CONFIRMATION_LINK_PREFIX);
    await jobsDone(stack.app);
    expect(stack.smtp.mailsTo(user.email)).toHaveLength(1); // only its activation mail
    // The taken address replaced the free one as the pending change, as any later request does (so
    // the profile cannot tell them apart: docs/security.md); its own address asked nothing.
    expect(await getUserAttributes(stack.pool, user.username)).toMatchObject({
      email: user.email,
      preferred_username: other.email,
    });
    expect((await getMe(user.accessToken)).json()).toMatchObject({ pendingEmail: other.email });
  });

  it('a second request replaces the first, whose link stops working', async () => {
    const user = await activatedUser(stack, freshEmail());
    const first = freshEmail('first');
    const second = freshEmail('second');
    await requestChange(user.accessToken, first);
    const firstLink = await confirmationLink(first);
    await requestChange(user.accessToken, second);
    const secondLink = await confirmationLink(second);

    expect((await confirm(firstLink.username, firstLink.token)).json()).toEqual(INVALID_LINK);
    expect((await confirm(secondLink.username, secondLink.token)).json()).toEqual({ email: second });
  });

  it('cancelling makes the link stop working; cancelling nothing is fine', async () => {
    const user = await activatedUser(stack, freshEmail());
    const target = freshEmail('target');
    await requestChange(user.accessToken, target);
    const link = await confirmationLink(target);
    expect((await cancel(user.accessToken)).statusCode).toBe(204);
    expect((await getMe(user.accessToken)).json()).toMatchObject({ pendingEmail: null, email: user.email });
    expect((await confirm(link.username, link.token)).json()).toEqual(INVALID_LINK);
    expect((await cancel(user.accessToken)).statusCode).toBe(204);
    expect(await getUserAttributes(stack.pool, user.username)).toMatchObject({ email: user.email });
  });

  it('a used link, a wrong token and an unknown user get the same 400', async () => {
    const user = await activatedUser(stack, freshEmail());
    const target = freshEmail('target');
    await requestChange(user.accessToken, target);
    const link = await confirmationLink(target);
    const wrong = await confirm(
      link.username,
      link.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    const unknown = await confirm('0c9f8e7d-6b5a-4c3d-9e2f-1a0b9c8d7e6f', link.token);
    expect((await confirm(link.username, link.token)).statusCode).toBe(200);
    const reused = await confirm(link.username, link.token);
    for (const res of [wrong, unknown, reused]) expect(res.json()).toEqual(INVALID_LINK);
  });

  it('a link expires after the configured lifetime (24 h by default)', async () => {
    const user = await activatedUser(stack, freshEmail());
    const late = freshEmail('late');
    await requestChange(user.accessToken, late);
    const lateLink = await confirmationLink(late);
    clock.advanceHours(24);
    expect((await confirm(lateLink.username, lateLink.token)).json()).toEqual(INVALID_LINK);
    expect((await getMe(user.accessToken)).json()).toMatchObject({ pendingEmail: null });
    // Back to now: changing the address needs a recent sign-in, which 24 h later this one is not.
    clock.reset();

    const onTime = freshEmail('ontime');
    await requestChange(user.accessToken, onTime);
    const onTimeLink = await confirmationLink(onTime);
    clock.advanceHours(23.9);
    expect((await confirm(onTimeLink.username, onTimeLink.token)).json()).toEqual({ email: onTime });
  });

  it('two users racing for one address: the first confirmation wins, the second gets 409', async () => {
    const alice = await activatedUser(stack, freshEmail('alice'));
    const bob = await activatedUser(stack, freshEmail('bob'));
    const contested = freshEmail('contested');
    await requestChange(alice.accessToken, contested);
    const aliceLink = await confirmationLink(contested, 1);
    await requestChange(bob.accessToken, contested);
    const bobLink = await confirmationLink(contested, 2);

    expect((await confirm(bobLink.username, bobLink.token)).statusCode).toBe(200);
    const lost = await confirm(aliceLink.username, aliceLink.token);
    expect(lost.statusCode).toBe(409);
    expect(lost.json()).toMatchObject({ code: 'EMAIL_TAKEN' });
    const holders = await listUsersByEmail(stack.pool, contested);
    expect(holders.map((u) => u.Username)).toEqual([bob.username]);
    expect(await getUserAttributes(stack.pool, alice.username)).toMatchObject({ email: alice.email });
    // And once it is taken, a change to it only sends its owner a notice.
    expect((await requestChange(alice.accessToken, contested)).statusCode).toBe(202);
    const notice = await stack.smtp.waitForMail(contested, { count: 3 });
    expect(notice.subject).toMatch(/tried to use this address/);
    await jobsDone(stack.app);
    expect(stack.smtp.mailsTo(contested)).toHaveLength(3);
    expect(await getUserAttributes(stack.pool, alice.username)).toMatchObject({ email: alice.email });
  });

  it('mail refused while the request is handled: still 202, the job retries, and its link works', async () => {
    const user = await activatedUser(stack, freshEmail());
    const target = freshEmail('target');
    stack.smtp.rejectNext(1, 451);
    expect((await requestChange(user.accessToken, target)).statusCode).toBe(202);
    const link = await confirmationLink(target);
    expect(stack.smtp.refused.map((r) => r.envelope.to)).toContainEqual([target]);
    expect(await getUserAttributes(stack.pool, user.username)).toMatchObject({ email: user.email });
    expect((await confirm(link.username, link.token)).json()).toEqual({ email: target });
  });

  it('a refused notice to the old address does not undo or fail the confirmed change', async () => {
    const user = await activatedUser(stack, freshEmail());
    const target = freshEmail('target');
    await requestChange(user.accessToken, target);
    const link = await confirmationLink(target);
    stack.smtp.rejectNext(1);
    const res = await confirm(link.username, link.token);
    expect(res.statusCode).toBe(200);
    expect(await getUserAttributes(stack.pool, user.username)).toMatchObject({ email: target });
    expect(stack.logs.text).toMatch(/notice not sent/);
  });

  it('bad input gets a 400 naming the field, and changes nothing', async () => {
    const user = await activatedUser(stack, freshEmail());
    for (const email of ['nope', 42, '', null]) {
      const res = await requestChange(user.accessToken, email);
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain('email');
    }
    const extra = await stack.app.inject({
      method: 'POST',
      url: '/accounts/me/email',
      headers: auth(user.accessToken),
      payload: { email: freshEmail(), email_verified: 'true' },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<{ message: string[] }>().message.join(' ')).toContain('email_verified');
    for (const payload of [
      {},
      { username: 'bob', token: 'x'.repeat(32) },
      { username: user.username, token: 'bad token!' },
    ]) {
      const res = await stack.app.inject({ method: 'POST', url: '/accounts/email/confirm', payload });
      expect(res.statusCode).toBe(400);
    }
    expect((await getMe(user.accessToken)).json()).toMatchObject({ email: user.email, pendingEmail: null });
  });

  it('never logs or answers with a confirmation token', async () => {
    const user = await activatedUser(stack, freshEmail());
    const target = freshEmail('target');
    const responses = [await requestChange(user.accessToken, target)];
    const link = await confirmationLink(target);
    responses.push(await getMe(user.accessToken), await confirm(link.username, link.token));
    responses.push(await confirm(link.username, link.token));
    expect(stack.logs.text).toMatch(
      new RegExp(`"audit":"email-change.confirmed","username":"${user.username}"`),
    );
    expect(stack.logs.text).not.toContain(link.token);
    for (const res of responses) expect(res.body).not.toContain(link.token);
  });
});
