import {
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PENDING_EMAIL_ATTRIBUTE } from '../src/cognito/attributes';
import { getUserAttributes, listUsersByEmail } from './support/cognito-pool';
import { CONFIRMATION_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams } from './support/flows';
import { forgeJwt } from './support/forge';
import { jobsDone } from './support/jobs';
import { decodeJwt } from './support/jwt';
import { startStack, type TestStack } from './support/stack';

/**
 * Attacks on tokens and links (issue 15, paths 1, 2 and 9): each reproduces the attack as reported
 * against moto and a real SMTP server, and shows it now fails while the owner's own use still works.
 */
describe('attacks: stolen tokens, rebound links, forged claims, racing cancels', () => {
  let stack: TestStack;
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const requestChange = (token: string, email: string) =>
    stack.app.inject({ method: 'POST', url: '/accounts/me/email', headers: auth(token), payload: { email } });
  const cancel = (token: string) =>
    stack.app.inject({ method: 'DELETE', url: '/accounts/me/email', headers: auth(token) });
  const confirm = (username: string, token: string) =>
    stack.app.inject({ method: 'POST', url: '/accounts/email/confirm', payload: { username, token } });
  const me = (token: string) =>
    stack.app.inject({ method: 'GET', url: '/accounts/me', headers: auth(token) });

  it('path 1: a stolen token of a disabled, signed-out user starts no email change', async () => {
    const victim = await activatedUser(stack, freshEmail('victim'));
    const thief = freshEmail('thief');
    // The owner's own token works for a change while the account is in good standing.
    const own = freshEmail('own');
    expect((await requestChange(victim.accessToken, own)).statusCode).toBe(202);
    await stack.smtp.waitForMail(own);

    await stack.pool.client.send(
      new AdminDisableUserCommand({ UserPoolId: stack.pool.userPoolId, Username: victim.username }),
    );
    await stack.pool.client.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: stack.pool.userPoolId, Username: victim.username }),
    );

    // Cognito refuses the token now; so do the writes, and the read of a disabled account (reads may
    // answer from a profile read at most 5 s old: none was made here since the change was stored).
    expect((await me(victim.accessToken)).statusCode).toBe(401);
    const stolen = await requestChange(victim.accessToken, thief);
    expect(stolen.statusCode).toBe(401);
    expect((await cancel(victim.accessToken)).statusCode).toBe(401);
    await jobsDone(stack.app);
    expect(stack.smtp.mailsTo(thief)).toHaveLength(0);
    const attributes = await getUserAttributes(stack.pool, victim.username);
    expect(attributes.email).toBe(victim.email);
    expect(attributes[PENDING_EMAIL_ATTRIBUTE]).not.toBe(thief);
  });

  it('path 2: a link stops working when the pending address is rewritten after the mail went out', async () => {
    const user = await activatedUser(stack, freshEmail('owner'));
    const requested = freshEmail('requested');
    expect((await requestChange(user.accessToken, requested)).statusCode).toBe(202);
    const link = linkParams((await stack.smtp.waitForMail(requested)).text, CONFIRMATION_LINK_PREFIX);

    // Any app client allowed to write preferred_username could do this.
    await stack.pool.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: stack.pool.userPoolId,
        Username: user.username,
        UserAttributes: [{ Name: PENDING_EMAIL_ATTRIBUTE, Value: 'ceo@victim-corp.test' }],
      }),
    );
    const hijacked = await confirm(link.username, link.token);
    expect(hijacked.statusCode).toBe(400);
    expect(hijacked.json()).toMatchObject({ code: 'INVALID_CONFIRMATION_LINK' });
    expect((await getUserAttributes(stack.pool, user.username)).email).toBe(user.email);
    expect(await listUsersByEmail(stack.pool, 'ceo@victim-corp.test')).toHaveLength(0);

    // The owner asks again, and the new link confirms the address it was sent to.
    expect((await requestChange(user.accessToken, requested)).statusCode).toBe(202);
    const again = linkParams(
      (await stack.smtp.waitForMail(requested, { count: 2 })).text,
      CONFIRMATION_LINK_PREFIX,
    );
    const confirmed = await confirm(again.username, again.token);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ email: requested });
  });

  describe('path 9: token claims', () => {
    let claims: Record<string, unknown>;
    let token: string;
    beforeAll(async () => {
      ({ accessToken: token } = await activatedUser(stack, freshEmail('claims')));
      claims = decodeJwt(token);
    });

    const without = (name: string) =>
      Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

    it.each([
      ['no exp', () => without('exp')],
      ['no sub', () => without('sub')],
      ['no username', () => without('username')],
      ['a 10 kB username', () => ({ ...claims, username: 'u'.repeat(10_000) })],
      ['a username that is not a string', () => ({ ...claims, username: { $ne: null } })],
    ])('refuses a validly signed token with %s: 401, never 500', async (_name, forged) => {
      const res = await me(forgeJwt(forged()));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('still accepts the real token', async () => {
      expect((await me(token)).statusCode).toBe(200);
    });
  });

  it('path 9: of a cancel and a confirmation racing, one wins and nothing is left pending', async () => {
    for (let round = 0; round < 3; round++) {
      const user = await activatedUser(stack, freshEmail('racer'));
      const target = freshEmail('target');
      expect((await requestChange(user.accessToken, target)).statusCode).toBe(202);
      const link = linkParams((await stack.smtp.waitForMail(target)).text, CONFIRMATION_LINK_PREFIX);

      const [confirmed, cancelled] = await Promise.all([
        confirm(link.username, link.token),
        cancel(user.accessToken),
      ]);
      expect(cancelled.statusCode).toBe(204);
      const profile = (await me(user.accessToken)).json<{ email: string; pendingEmail: string | null }>();
      expect(profile.pendingEmail).toBeNull();
      if (confirmed.statusCode === 200) {
        // The confirmation ran first: the address moved, and the cancel found nothing pending.
        expect(profile.email).toBe(target);
      } else {
        // The cancel ran first: the link is dead and the address did not move.
        expect(confirmed.json()).toMatchObject({ code: 'INVALID_CONFIRMATION_LINK' });
        expect(profile.email).toBe(user.email);
      }
      expect((await getUserAttributes(stack.pool, user.username)).email).toBe(profile.email);
    }
  });
});
