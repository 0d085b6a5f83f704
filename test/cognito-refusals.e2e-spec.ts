import { AdminResetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { signInFrontend } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX, RESET_LINK_PREFIX } from './support/env';
import { adminUser } from './support/admin';
import { clockedStackForSuite } from './support/clocked-stack';
import type { CognitoOperation } from './support/fault-proxy';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';

const NEW_PASSWORD = 'Another-Horse-7-Staple';

type Answer = Awaited<ReturnType<NestFastifyApplication['inject']>>;

/**
 * Cognito refusing calls a client's request leads to. First IAM refusing one Cognito action
 * (AccessDeniedException, as AWS answers when the service's role lacks it): the client is told to
 * retry later, operators are told which permission is missing, and no flow is left half done: once
 * the permission is granted, the retry (or the job) completes it.
 */
describe('Cognito refusing a call', () => {
  const world = clockedStackForSuite();
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  const post = (url: string, payload?: object, accessToken?: string) =>
    world.stack.app.inject({
      method: 'POST',
      url,
      payload,
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    });
  const me = (accessToken: string) =>
    world.stack.app.inject({
      method: 'GET',
      url: '/accounts/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
  const deny = (operation: CognitoOperation) => world.proxy.inject(operation, { kind: 'accessDenied' });

  const expectRetryLater = (answer: Answer) => {
    expect({ status: answer.statusCode, code: answer.json<{ code?: string }>().code }).toEqual({
      status: 503,
      code: 'IDENTITY_PROVIDER_UNAVAILABLE',
    });
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  };

  /** The log lines about the refusal: the operation and its permission, none of the request. */
  const expectReported = (operation: CognitoOperation, secrets: string[]) => {
    const reported = world.stack.logs.lines.filter((line) => line.includes(`cognito-idp:${operation}`));
    expect(reported.length).toBeGreaterThan(0);
    for (const line of reported) {
      // AWS's own message names the role and the pool: not repeated.
      expect(line).not.toContain('arn:aws');
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  };

  it('password reset: the password is set, the sign-out refused; the same link finishes it once allowed', async () => {
    const user = await activatedUser(world.stack, freshEmail('reset'));
    expect((await post('/accounts/password/forgot', { email: user.email })).statusCode).toBe(202);
    const mail = await world.stack.smtp.waitForMail(user.email, { count: 2 });
    const link = linkParams(mail.text, RESET_LINK_PREFIX);
    const resetWith = () =>
      post('/accounts/password/reset', {
        username: link.username,
        token: link.token,
        password: NEW_PASSWORD,
      });

    deny('AdminUserGlobalSignOut');
    expectRetryLater(await resetWith());
    expectReported('AdminUserGlobalSignOut', [user.username, link.token, NEW_PASSWORD]);
    // Half way: the new password is set, but the earlier session is not ended yet.
    expect((await me(user.accessToken)).statusCode).toBe(200);

    world.proxy.clear();
    const retried = await resetWith();
    expect(retried.json()).toEqual({ username: user.username });
    expect((await me(user.accessToken)).json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(signInFrontend(world.stack.pool, user.email, NEW_PASSWORD)).resolves.toBeDefined();
    expect((await resetWith()).json()).toMatchObject({ code: 'INVALID_RESET_LINK' });
  });

  it('sign out everywhere: refused, nothing changes, the retry signs out', async () => {
    const user = await activatedUser(world.stack, freshEmail('revoke'));

    deny('AdminUserGlobalSignOut');
    expectRetryLater(await post('/accounts/me/sessions/revoke', undefined, user.accessToken));
    expect((await me(user.accessToken)).statusCode).toBe(200);

    world.proxy.clear();
    expect((await post('/accounts/me/sessions/revoke', undefined, user.accessToken)).statusCode).toBe(204);
    expect((await me(user.accessToken)).statusCode).toBe(401);
  });

  it('admin disable: refused at AdminDisableUser after the sign-out; the retry disables once allowed', async () => {
    const admin = await adminUser(world.stack, freshEmail('admin'));
    const user = await activatedUser(world.stack, freshEmail('disabled'));
    const disable = () => post(`/admin/users/${user.username}/disable`, undefined, admin.accessToken);

    deny('AdminDisableUser');
    expectRetryLater(await disable());
    expectReported('AdminDisableUser', [user.username]);

    world.proxy.clear();
    expect((await disable()).statusCode).toBe(204);
    await expect(signInFrontend(world.stack.pool, user.email, TEST_PASSWORD)).rejects.toThrow();
  });

  it('signup: the job meets the refusal, retries like in any outage, and mails once allowed', async () => {
    const email = freshEmail('signup');
    const refusal = deny('AdminCreateUser');

    expect((await post('/accounts/signup', { email })).statusCode).toBe(202);
    const deadline = Date.now() + 10_000;
    while (refusal.faulted < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(refusal.faulted).toBeGreaterThanOrEqual(2);
    expect(world.stack.smtp.mailsTo(email)).toHaveLength(0);
    expectReported('AdminCreateUser', [email]);

    world.proxy.clear();
    const mail = await world.stack.smtp.waitForMail(email, { timeoutMs: 15_000 });
    await jobsDone(world.stack.app);
    const { username, token } = linkParams(mail.text, ACTIVATION_LINK_PREFIX);
    const completed = await post('/accounts/signup/complete', { username, token, password: TEST_PASSWORD });
    expect(completed.statusCode).toBe(200);
  });

  describe("an account whose password an operator reset (Cognito's RESET_REQUIRED)", () => {
    it("is told so on a write route (Cognito's PasswordResetRequiredException), not to sign in again", async () => {
      const user = await activatedUser(world.stack, freshEmail('resetrequired'));
      // moto answers NotAuthorizedException here; Cognito's GetUser answers this.
      world.proxy.inject('GetUser', { kind: 'exception', type: 'PasswordResetRequiredException' });

      const res = await post('/accounts/me/sessions/revoke', undefined, user.accessToken);

      expect(res.json()).toMatchObject({ statusCode: 401, code: 'PASSWORD_RESET_REQUIRED' });
      expect(res.json<{ message: string }>().message).toMatch(/password reset/);
    });

    it('gets a working reset link from forgot-password', async () => {
      const user = await activatedUser(world.stack, freshEmail('operatorreset'));
      await world.stack.pool.client.send(
        new AdminResetUserPasswordCommand({
          UserPoolId: world.stack.pool.userPoolId,
          Username: user.username,
        }),
      );

      expect((await post('/accounts/password/forgot', { email: user.email })).statusCode).toBe(202);
      const link = linkParams(
        (await world.stack.smtp.waitForMail(user.email, { count: 2 })).text,
        RESET_LINK_PREFIX,
      );
      const reset = await post('/accounts/password/reset', {
        username: link.username,
        token: link.token,
        password: NEW_PASSWORD,
      });

      expect(reset.json()).toEqual({ username: user.username });
      await expect(signInFrontend(world.stack.pool, user.email, NEW_PASSWORD)).resolves.toBeDefined();
    });
  });
});
