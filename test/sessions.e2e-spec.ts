import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { signInFrontend } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX } from './support/env';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { activatedUser, linkParams } from './support/flows';
import { startRedis, type RedisServer } from './support/redis';
import { forgeJwt } from './support/forge';
import { decodeJwt } from './support/jwt';
import { startStack, TestStack } from './support/stack';

/**
 * Revocation marks count whole seconds (a token's `iat`), and a token counts as "before" unless its
 * `iat` is at least a second after the mark: up to two seconds pass before a new sign-in counts.
 */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 2_100));

describe('sign out everywhere and account deletion (moto + real SMTP + Redis)', () => {
  let stack: TestStack;
  let proxy: FaultProxy;
  let redis: RedisServer;
  let n = 0;
  const freshEmail = (tag = 'session') => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    redis = await startRedis();
    stack = await startStack({
      env: { COGNITO_MAX_ATTEMPTS: '1' },
      endpointFor: async (endpoint) => {
        proxy = await startFaultProxy(endpoint);
        return proxy.url;
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await redis?.stop();
  });
  afterEach(() => proxy.clear());

  const auth = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
  const me = (accessToken: string, app: NestFastifyApplication = stack.app) =>
    app.inject({ method: 'GET', url: '/accounts/me', headers: auth(accessToken) });
  const revoke = (accessToken?: string, app: NestFastifyApplication = stack.app) =>
    app.inject({
      method: 'POST',
      url: '/accounts/me/sessions/revoke',
      headers: accessToken ? auth(accessToken) : {},
    });
  const remove = (accessToken?: string, app: NestFastifyApplication = stack.app) =>
    app.inject({ method: 'DELETE', url: '/accounts/me', headers: accessToken ? auth(accessToken) : {} });

  describe('POST /accounts/me/sessions/revoke', () => {
    it('ends every session at once: earlier tokens are refused, refresh tokens stop, a notice goes out', async () => {
      const user = await activatedUser(stack, freshEmail());
      const other = await signInFrontend(stack.pool, user.username, user.password); // a second device
      expect((await me(other.AccessToken ?? '')).statusCode).toBe(200);

      const res = await revoke(user.accessToken);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');

      for (const token of [user.accessToken, other.AccessToken ?? '']) {
        const refused = await me(token);
        expect(refused.statusCode).toBe(401);
        expect(refused.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: /revoked/ });
      }
      const notice = await stack.smtp.waitForMail(user.email, { count: 2 });
      expect(notice.subject).toBe('You were signed out everywhere');
      expect(notice.contentType).toBe('multipart/alternative');

      await nextSecond();
      const again = await signInFrontend(stack.pool, user.username, user.password);
      expect((await me(again.AccessToken ?? '')).statusCode).toBe(200);
    });

    it('answers 401 without a token', async () => {
      const res = await revoke();
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('a failed sign-out at Cognito answers 503 and changes nothing; the retry works', async () => {
      const user = await activatedUser(stack, freshEmail());
      proxy.inject('AdminUserGlobalSignOut', { kind: 'error5xx' });
      const failed = await revoke(user.accessToken);
      expect(failed.statusCode).toBe(503);
      expect((await me(user.accessToken)).statusCode).toBe(200);
      proxy.clear();
      expect((await revoke(user.accessToken)).statusCode).toBe(204);
      expect((await me(user.accessToken)).statusCode).toBe(401);
    });

    it('limits writes per user with 429', async () => {
      const { app } = await stack.bootApp({
        env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_USER_PER_MINUTE: '1' },
      });
      const user = await activatedUser(stack, freshEmail());
      expect((await revoke(user.accessToken, app)).statusCode).toBe(204);
      await nextSecond();
      const later = await signInFrontend(stack.pool, user.username, user.password);
      const limited = await revoke(later.AccessToken, app);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    });

    it('is honoured by every instance sharing Redis, even for a token it had verified and cached', async () => {
      const first = await stack.bootApp({ env: { REDIS_URL: redis.url } });
      const second = await stack.bootApp({ env: { REDIS_URL: redis.url } });
      const user = await activatedUser(stack, freshEmail());
      expect((await me(user.accessToken, second.app)).statusCode).toBe(200); // verified and cached there

      expect((await revoke(user.accessToken, first.app)).statusCode).toBe(204);

      // A read route on the other instance: no call to Cognito, the mark alone refuses the token.
      const refused = await me(user.accessToken, second.app);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ message: /revoked/ });
    });
  });

  describe('DELETE /accounts/me', () => {
    it('needs a recent sign-in: 401 REAUTHENTICATION_REQUIRED, and the account stays', async () => {
      const user = await activatedUser(stack, freshEmail());
      // The same token, as if its sign-in were 11 minutes old (signed with the emulator's key).
      const claims = decodeJwt(user.accessToken);
      const old = forgeJwt({ ...claims, auth_time: Math.floor(Date.now() / 1000) - 11 * 60 });
      const res = await remove(old);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED' });
      expect((await me(user.accessToken)).statusCode).toBe(200);
    });

    it('deletes the account, ends its sessions and mails a notice; the address can sign up again', async () => {
      const user = await activatedUser(stack, freshEmail());
      const res = await remove(user.accessToken);
      expect(res.statusCode).toBe(204);

      await expect(
        stack.pool.client.send(
          new AdminGetUserCommand({ UserPoolId: stack.pool.userPoolId, Username: user.username }),
        ),
      ).rejects.toMatchObject({ name: 'UserNotFoundException' });
      expect((await me(user.accessToken)).statusCode).toBe(401);
      const notice = await stack.smtp.waitForMail(user.email, { count: 2 });
      expect(notice.subject).toBe('Your account was deleted');
      expect(stack.logs.lines.some((line) => line.includes('"audit":"account.deleted"'))).toBe(true);

      await stack.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email: user.email } });
      const activation = await stack.smtp.waitForMail(user.email, { count: 3 });
      expect(linkParams(activation.text, ACTIVATION_LINK_PREFIX).username).not.toBe(user.username);
    });

    it('answers 401 without a token', async () => {
      expect((await remove()).statusCode).toBe(401);
    });

    it('a failed delete at Cognito answers 503 and leaves account and token as they were', async () => {
      const user = await activatedUser(stack, freshEmail());
      proxy.inject('AdminDeleteUser', { kind: 'error5xx' });
      expect((await remove(user.accessToken)).statusCode).toBe(503);
      expect((await me(user.accessToken)).statusCode).toBe(200);
      proxy.clear();
      expect((await remove(user.accessToken)).statusCode).toBe(204);
    });
  });
});
