import { adminUser, bearer } from './support/admin';
import { clockedStackForSuite } from './support/clocked-stack';
import { RESET_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { forgeJwt } from './support/forge';
import { decodeJwt } from './support/jwt';

/** What a client can send that Cognito refuses: a clear 4xx with a code of its own, never a 500. */
describe('errors a client can cause', () => {
  const world = clockedStackForSuite();
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  describe('an access token without the aws.cognito.signin.user.admin scope', () => {
    let user: Awaited<ReturnType<typeof activatedUser>>;
    let unscoped: string;
    beforeAll(async () => {
      user = await activatedUser(world.stack, freshEmail('scope'));
      // As the managed login mints one when the client does not allow the scope: `openid email` only.
      unscoped = forgeJwt({ ...decodeJwt(user.accessToken), scope: 'openid email' });
    });

    it.each([
      ['POST', '/accounts/me/sessions/revoke', undefined],
      ['POST', '/accounts/me/email', { email: 'elsewhere@example.test' }],
      ['DELETE', '/accounts/me/email', undefined],
    ] as const)(
      'is refused on %s %s with TOKEN_SCOPE_MISSING, before Cognito is asked',
      async (method, url, payload) => {
        world.stack.fidelity.resetCounts();

        const res = await world.stack.app.inject({ method, url, payload, headers: bearer(unscoped) });

        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'TOKEN_SCOPE_MISSING' });
        expect(res.json<{ message: string }>().message).toContain('aws.cognito.signin.user.admin');
        expect(res.json<{ message: string }>().message).not.toMatch(/sign in again/i);
        expect(world.stack.fidelity.counts().GetUser ?? 0).toBe(0);
      },
    );

    it('is refused without any scope claim too', async () => {
      const claims = decodeJwt(user.accessToken);
      delete claims.scope;
      const res = await world.stack.app.inject({
        method: 'POST',
        url: '/accounts/me/sessions/revoke',
        headers: bearer(forgeJwt(claims)),
      });
      expect(res.json()).toMatchObject({ statusCode: 401, code: 'TOKEN_SCOPE_MISSING' });
    });

    it('still reads the profile (no Cognito call with the token), and the scoped token still writes', async () => {
      const read = await world.stack.app.inject({
        method: 'GET',
        url: '/accounts/me',
        headers: bearer(unscoped),
      });
      expect(read.statusCode).toBe(200);
      const cancel = await world.stack.app.inject({
        method: 'DELETE',
        url: '/accounts/me/email',
        headers: bearer(user.accessToken),
      });
      expect(cancel.statusCode).toBe(204);
    });
  });

  describe("the admin list's cursor", () => {
    let token: string;
    beforeAll(async () => {
      token = (await adminUser(world.stack, freshEmail('lister'))).accessToken;
      // Enough accounts for a second page of one.
      await activatedUser(world.stack, freshEmail('listed'));
    });

    const list = (query: string) =>
      world.stack.app.inject({ method: 'GET', url: `/admin/users?${query}`, headers: bearer(token) });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['base64 of made-up JSON', Buffer.from('{"parameterChecksum":1,"pageEnding":"x"}').toString('base64')],
      ['a long random string', 'A'.repeat(2000)],
    ])('answers 400 INVALID_CURSOR to %s', async (_label, cursor) => {
      const res = await list(`limit=1&cursor=${encodeURIComponent(cursor)}`);

      expect(res.json()).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
      expect(res.json<{ message: string }>().message).toMatch(/cursor/);
    });

    it("answers 400 INVALID_CURSOR to another query's cursor", async () => {
      const first = await list('limit=1');
      const { cursor } = first.json<{ cursor: string | null }>();
      expect(cursor).toEqual(expect.any(String));

      const res = await list(`limit=1&state=disabled&cursor=${encodeURIComponent(cursor ?? '')}`);

      expect(res.json()).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
      // The cursor still works for its own query.
      expect((await list(`limit=1&cursor=${encodeURIComponent(cursor ?? '')}`)).statusCode).toBe(200);
    });

    it('answers 400 to a cursor with spaces in it (a pasted or mangled one)', async () => {
      const res = await list(`cursor=${encodeURIComponent('two words')}`);
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain('cursor');
    });
  });

  describe("a password the pool's history refuses (PasswordHistoryPolicyViolationException)", () => {
    beforeAll(() => world.stack.fidelity.setPasswordHistorySize(3));
    afterAll(() => world.stack.fidelity.setPasswordHistorySize(0));

    it('is 400 INVALID_PASSWORD saying it was used before, and the reset link stays usable', async () => {
      const user = await activatedUser(world.stack, freshEmail('history'));
      await world.stack.app.inject({
        method: 'POST',
        url: '/accounts/password/forgot',
        payload: { email: user.email },
      });
      const { username, token } = linkParams(
        (await world.stack.smtp.waitForMail(user.email, { count: 2 })).text,
        RESET_LINK_PREFIX,
      );
      const reset = (password: string) =>
        world.stack.app.inject({
          method: 'POST',
          url: '/accounts/password/reset',
          payload: { username, token, password },
        });

      const reused = await reset(TEST_PASSWORD);

      expect(reused.json()).toMatchObject({ statusCode: 400, code: 'INVALID_PASSWORD' });
      expect(reused.json<{ message: string }>().message).toMatch(/used before/);
      expect((await reset('Another-Horse-7-Staple')).json()).toEqual({ username });
    });
  });
});
