import { AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD_RESET_ATTRIBUTE } from '../src/cognito/attributes';
import { clockedStackForSuite } from './support/clocked-stack';
import { getUserAttributes, signInFrontend } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX, RESET_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';

const NEW_PASSWORD = 'Another-Horse-7-Staple';

describe('password reset on our own mails (moto + real SMTP)', () => {
  const world = clockedStackForSuite();
  let n = 0;
  const freshEmail = (tag = 'reset') => `${tag}${++n}.${Date.now()}@example.test`;

  const forgot = (email: unknown, app = world.stack.app) =>
    app.inject({ method: 'POST', url: '/accounts/password/forgot', payload: { email } });
  const reset = (payload: Record<string, unknown>) =>
    world.stack.app.inject({ method: 'POST', url: '/accounts/password/reset', payload });
  const me = (accessToken: string) =>
    world.stack.app.inject({
      method: 'GET',
      url: '/accounts/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
  /** The reset link of the `count`-th mail to the address. */
  const resetLink = async (email: string, count: number) => {
    const { username, token } = linkParams(
      (await world.stack.smtp.waitForMail(email, { count })).text,
      RESET_LINK_PREFIX,
    );
    return { username, token };
  };

  const INVALID_LINK = {
    statusCode: 400,
    error: 'Bad Request',
    code: 'INVALID_RESET_LINK',
    message: 'Invalid or expired password reset link',
  };

  it('mails a link; the new password works, the old one and every earlier session do not', async () => {
    const user = await activatedUser(world.stack, freshEmail());
    expect((await me(user.accessToken)).statusCode).toBe(200);

    const asked = await forgot(` ${user.email.toUpperCase()}`);
    expect(asked.statusCode).toBe(202);
    const mail = await world.stack.smtp.waitForMail(user.email, { count: 2 });
    expect(mail.contentType).toBe('multipart/alternative');
    expect(mail.subject).toBe('Choose a new password');
    expect(mail.html).toMatch(/<a class="button"[^>]*target="_blank"/);
    const link = linkParams(mail.text, RESET_LINK_PREFIX);
    expect(link.username).toBe(user.username);
    const stored = await getUserAttributes(world.stack.pool, user.username);
    expect(stored[PASSWORD_RESET_ATTRIBUTE]).toBeTruthy();
    expect(stored[PASSWORD_RESET_ATTRIBUTE]).not.toContain(link.token);

    // A weak password: the rules in plain words, and the link still works.
    const weak = await reset({ username: link.username, token: link.token, password: 'weakpass' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'INVALID_PASSWORD' });
    expect(weak.json<{ message: string }>().message).toBe(
      'This password is too weak. Choose one of at least 12 characters, with an upper-case letter, ' +
        'a lower-case letter, a digit and a symbol such as - _ ! or ?.',
    );

    const done = await reset({ username: link.username, token: link.token, password: NEW_PASSWORD });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ username: user.username });

    await expect(signInFrontend(world.stack.pool, user.username, NEW_PASSWORD)).resolves.toBeDefined();
    await expect(signInFrontend(world.stack.pool, user.username, TEST_PASSWORD)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    // The session from before the reset is refused at once, not at its expiry.
    const refused = await me(user.accessToken);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: /revoked/ });

    const notice = await world.stack.smtp.waitForMail(user.email, { count: 3 });
    expect(notice.subject).toBe('Your password was changed');
    expect(notice.text).toContain('signed out');
    // Still verified: Cognito's own ForgotPassword keeps working for apps that use it.
    const after = await getUserAttributes(world.stack.pool, user.username);
    expect(after).toMatchObject({ email_verified: 'true' });
    expect(after[PASSWORD_RESET_ATTRIBUTE]).toBeUndefined();

    // Used once: the link opens nothing now.
    const again = await reset({ username: link.username, token: link.token, password: `${NEW_PASSWORD}x` });
    expect(again.json()).toEqual(INVALID_LINK);
  });

  it('answers every address alike: an invited one gets an activation link, unknown and disabled nothing', async () => {
    const active = await activatedUser(world.stack, freshEmail());
    const invited = freshEmail('invited');
    await world.stack.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email: invited } });
    await world.stack.smtp.waitForMail(invited);
    const disabled = await activatedUser(world.stack, freshEmail('disabled'));
    await world.stack.pool.client.send(
      new AdminDisableUserCommand({ UserPoolId: world.stack.pool.userPoolId, Username: disabled.username }),
    );
    const unknown = freshEmail('nobody');

    const answers = await Promise.all([active.email, invited, disabled.email, unknown].map((e) => forgot(e)));
    expect(new Set(answers.map((a) => `${a.statusCode} ${a.body}`)).size).toBe(1);
    expect(answers[0].statusCode).toBe(202);

    const activation = await world.stack.smtp.waitForMail(invited, { count: 2 });
    expect(activation.subject).toBe('Finish creating your account');
    expect(linkParams(activation.text, ACTIVATION_LINK_PREFIX).token).not.toBe('');
    await world.stack.smtp.waitForMail(active.email, { count: 2 });
    await jobsDone(world.stack.app);
    expect(world.stack.smtp.mailsTo(unknown)).toHaveLength(0);
    expect(world.stack.smtp.mailsTo(disabled.email)).toHaveLength(1); // its activation mail only
  });

  it('answers one indistinguishable error for a wrong, replaced, expired or unknown link', async () => {
    const user = await activatedUser(world.stack, freshEmail());
    await forgot(user.email);
    const first = await resetLink(user.email, 2);
    await forgot(user.email);
    const second = await resetLink(user.email, 3);

    const tries = [
      { username: user.username, token: first.token }, // replaced by the second request
      { username: user.username, token: `${second.token.slice(0, -1)}A` },
      { username: '0b6d8c1e-0000-4000-8000-000000000001', token: second.token },
    ];
    for (const link of tries) {
      expect((await reset({ ...link, password: NEW_PASSWORD })).json()).toEqual(INVALID_LINK);
    }
    world.clock.advanceMinutes(61);
    expect((await reset({ ...second, password: NEW_PASSWORD })).json()).toEqual(INVALID_LINK);
    world.clock.reset();
    expect(
      (await reset({ username: second.username, token: second.token, password: NEW_PASSWORD })).statusCode,
    ).toBe(200);
  });

  it('refuses malformed input with 400 and names the field, never echoing the password', async () => {
    for (const payload of [{}, { email: 'not-an-address' }, { email: 'someone@example.test', extra: true }]) {
      const res = await world.stack.app.inject({ method: 'POST', url: '/accounts/password/forgot', payload });
      expect(res.statusCode).toBe(400);
    }
    const cutOff = await reset({
      username: '0b6d8c1e-0000-4000-8000-000000000001',
      token: 'short',
      password: 'Secret-Password-123',
    });
    expect(cutOff.statusCode).toBe(400);
    expect(cutOff.json<{ message: string[] }>().message).toEqual([
      'token must be longer than or equal to 16 characters',
    ]);
    expect(cutOff.body).not.toContain('Secret-Password-123');
  });

  it('a failure half-way (the global sign-out) answers 503 and leaves the link working for the retry', async () => {
    const user = await activatedUser(world.stack, freshEmail());
    await forgot(user.email);
    const link = await resetLink(user.email, 2);

    world.proxy.inject('AdminUserGlobalSignOut', { kind: 'error5xx' });
    const failed = await reset({ ...link, password: NEW_PASSWORD });
    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toMatchObject({ code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
    world.proxy.clear();

    const retried = await reset({ username: link.username, token: link.token, password: NEW_PASSWORD });
    expect(retried.statusCode).toBe(200);
    await expect(signInFrontend(world.stack.pool, user.username, NEW_PASSWORD)).resolves.toBeDefined();
    expect((await me(user.accessToken)).statusCode).toBe(401);
  });

  it('limits requests per client with 429', async () => {
    const { app } = await world.stack.bootApp({
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_IP_PER_MINUTE: '3' },
    });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await forgot(freshEmail('limited'), app));
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 429]);
    expect(answers[3].json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(answers[3].headers['retry-after']).toBeDefined();
    const resetLimited = await app.inject({
      method: 'POST',
      url: '/accounts/password/reset',
      payload: {
        username: '0b6d8c1e-0000-4000-8000-000000000001',
        token: 'x'.repeat(32),
        password: NEW_PASSWORD,
      },
    });
    expect(resetLimited.statusCode).toBe(429);
  });
});
