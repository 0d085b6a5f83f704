import { Clock } from '../src/common/clock';
import { adminUser, bearer } from './support/admin';
import { ManualClock } from './support/manual-clock';
import { signInFrontend } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { forgeJwt } from './support/forge';
import { decodeJwt } from './support/jwt';
import { startStack, TestStack } from './support/stack';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('the admin API: access, invitations and actions on one account', () => {
  let stack: TestStack;
  const clock = new ManualClock();
  let admin: Awaited<ReturnType<typeof adminUser>>;
  let plain: Awaited<ReturnType<typeof activatedUser>>;

  beforeAll(async () => {
    stack = await startStack({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
    admin = await adminUser(stack, 'operator@example.test');
    plain = await activatedUser(stack, 'plain@example.test');
  });
  afterAll(() => stack?.close());
  afterEach(() => clock.reset());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token?: string, payload?: object | null) =>
    stack.app.inject({ method, url, headers: token ? bearer(token) : {}, payload: payload ?? undefined });

  // Every row has a body (or null): Jest hands a test with fewer arguments than parameters a `done` callback.
  const ROUTES: ['GET' | 'POST' | 'DELETE', string, object | null][] = [
    ['POST', '/admin/invitations', { email: 'someone@example.test' }],
    ['GET', '/admin/users', null],
    ['GET', `/admin/users/${UNKNOWN}`, null],
    ['POST', `/admin/users/${UNKNOWN}/invitation`, null],
    ['POST', `/admin/users/${UNKNOWN}/disable`, null],
    ['POST', `/admin/users/${UNKNOWN}/enable`, null],
    ['POST', `/admin/users/${UNKNOWN}/sign-out`, null],
    ['POST', `/admin/users/${UNKNOWN}/mfa/reset`, null],
    ['DELETE', `/admin/users/${UNKNOWN}`, null],
    ['GET', '/admin/reports/accounts', null],
    ['POST', '/admin/repairs/expired-invitations', null],
  ];

  it.each(ROUTES)(
    '%s %s answers 401 without a token and 403 FORBIDDEN to a non-admin',
    async (method, url, body) => {
      expect((await call(method, url, undefined, body)).statusCode).toBe(401);
      const forbidden = await call(method, url, plain.accessToken, body);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });
    },
  );

  it.each(ROUTES)('%s %s asks an admin whose sign-in is old to sign in again', async (method, url, body) => {
    const claims = decodeJwt(admin.accessToken);
    const old = forgeJwt({ ...claims, auth_time: Math.floor(Date.now() / 1000) - 11 * 60 });
    const res = await call(method, url, old, body);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED' });
  });

  it.each([
    ['GET', '/admin/users/not-a-uuid'],
    ['POST', '/admin/users/not-a-uuid/invitation'],
    ['POST', '/admin/users/not-a-uuid/disable'],
    ['POST', '/admin/users/not-a-uuid/enable'],
    ['POST', '/admin/users/not-a-uuid/sign-out'],
    ['POST', '/admin/users/not-a-uuid/mfa/reset'],
    ['DELETE', '/admin/users/not-a-uuid'],
    ['GET', '/admin/users?limit=61'],
    ['GET', '/admin/users?state=sleeping'],
    ['POST', '/admin/repairs/everything'],
  ] as const)('%s %s answers 400', async (method, url) => {
    expect((await call(method, url, admin.accessToken)).statusCode).toBe(400);
  });

  it('answers 400 to an invitation without a valid address', async () => {
    for (const payload of [{}, { email: 'nope' }, { email: 'a@example.test', extra: 1 }]) {
      expect((await call('POST', '/admin/invitations', admin.accessToken, payload)).statusCode).toBe(400);
    }
  });

  it.each(ROUTES.filter(([, url]) => url.includes(UNKNOWN)))(
    '%s %s answers 404 USER_NOT_FOUND for an unknown username',
    async (method, url) => {
      const res = await call(method, url, admin.accessToken);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'USER_NOT_FOUND' });
    },
  );

  it('invites an address with the activation mail, refuses a taken one, and renews the link', async () => {
    const email = 'invitee@example.test';
    const res = await call('POST', '/admin/invitations', admin.accessToken, { email, locale: 'de' });
    expect(res.statusCode).toBe(201);
    const invitation = res.json<{ username: string; state: string; expiresAt: string }>();
    expect(invitation.state).toBe('invited');
    expect(new Date(invitation.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const first = linkParams((await stack.smtp.waitForMail(email)).text, ACTIVATION_LINK_PREFIX);
    expect(first.username).toBe(invitation.username);

    const taken = await call('POST', '/admin/invitations', admin.accessToken, { email: plain.email });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'EMAIL_TAKEN' });

    const shown = await call('GET', `/admin/users/${invitation.username}`, admin.accessToken);
    expect(shown.json()).toMatchObject({
      username: invitation.username,
      email,
      state: 'invited',
      emailVerified: false,
    });

    const renewed = await call('POST', `/admin/users/${invitation.username}/invitation`, admin.accessToken);
    expect(renewed.statusCode).toBe(200);
    const second = linkParams(
      (await stack.smtp.waitForMail(email, { count: 2 })).text,
      ACTIVATION_LINK_PREFIX,
    );
    const complete = (token: string) =>
      stack.app.inject({
        method: 'POST',
        url: '/accounts/signup/complete',
        payload: { username: invitation.username, token, password: TEST_PASSWORD },
      });
    expect((await complete(first.token)).json()).toMatchObject({ code: 'INVALID_ACTIVATION_LINK' });
    expect((await complete(second.token)).statusCode).toBe(200);

    const notInvited = await call(
      'POST',
      `/admin/users/${invitation.username}/invitation`,
      admin.accessToken,
    );
    expect(notInvited.statusCode).toBe(409);
    expect(notInvited.json()).toMatchObject({ code: 'NOT_INVITED' });
  });

  it('disables an account: its token is refused at once and it cannot sign in; enable lets it back', async () => {
    const user = await activatedUser(stack, 'to-disable@example.test');
    expect((await call('GET', '/accounts/me', user.accessToken)).statusCode).toBe(200);

    expect((await call('POST', `/admin/users/${user.username}/disable`, admin.accessToken)).statusCode).toBe(
      204,
    );
    const refused = await call('GET', '/accounts/me', user.accessToken);
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ message: string }>().message).toMatch(/revoked/);
    await expect(signInFrontend(stack.pool, user.username, user.password)).rejects.toThrow();
    expect((await call('GET', `/admin/users/${user.username}`, admin.accessToken)).json()).toMatchObject({
      state: 'disabled',
    });

    expect((await call('POST', `/admin/users/${user.username}/enable`, admin.accessToken)).statusCode).toBe(
      204,
    );
    // Tokens issued in the mark's second are refused too: sign in the next second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await signInFrontend(stack.pool, user.username, user.password);
    expect((await call('GET', '/accounts/me', again.AccessToken)).statusCode).toBe(200);
    expect(stack.logs.text).toContain(
      `"audit":"account.disabled","username":"${user.username}","admin":"${admin.username}"`,
    );
    expect(stack.logs.text).toContain(
      `"audit":"account.enabled","username":"${user.username}","admin":"${admin.username}"`,
    );
  });

  it('signs an account out everywhere: its access token is refused at once', async () => {
    const user = await activatedUser(stack, 'to-sign-out@example.test');
    expect((await call('POST', `/admin/users/${user.username}/sign-out`, admin.accessToken)).statusCode).toBe(
      204,
    );
    expect((await call('GET', '/accounts/me', user.accessToken)).statusCode).toBe(401);
    expect(stack.logs.text).toContain(
      `"audit":"sessions.revoked","username":"${user.username}","admin":"${admin.username}"`,
    );
  });

  it('deletes an account', async () => {
    const user = await activatedUser(stack, 'to-delete@example.test');
    expect((await call('DELETE', `/admin/users/${user.username}`, admin.accessToken)).statusCode).toBe(204);
    expect((await call('GET', `/admin/users/${user.username}`, admin.accessToken)).statusCode).toBe(404);
    expect((await call('GET', '/accounts/me', user.accessToken)).statusCode).toBe(401);
    expect(stack.logs.text).toContain(
      `"audit":"account.deleted","username":"${user.username}","admin":"${admin.username}"`,
    );
  });

  it('never logs a token', () => {
    expect(stack.logs.text).not.toContain(admin.accessToken);
  });
});
