import {
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { bearer } from './support/admin';
import { clockedStackForSuite } from './support/clocked-stack';
import { signInFrontend } from './support/cognito-pool';
import { CONFIRMATION_LINK_PREFIX, RESET_LINK_PREFIX, RESTORE_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams } from './support/flows';

const OWNERS_PASSWORD = 'Taken-Back-Account-42';

/**
 * Issue 21's recovery findings, one test each: the attacker's steps, then the owner's recovery
 * succeeding and the attacker locked out (docs/security.md, "Account recovery policy").
 */
describe('attacks on recovery: the owner gets the account back (moto + real SMTP)', () => {
  const world = clockedStackForSuite();
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  const post = (url: string, payload: object, accessToken?: string) =>
    world.stack.app.inject({ method: 'POST', url, payload, headers: accessToken ? bearer(accessToken) : {} });
  const me = (accessToken: string) =>
    world.stack.app.inject({ method: 'GET', url: '/accounts/me', headers: bearer(accessToken) });
  /** The next mail to `address`, counting what it already got. */
  const nextMail = (address: string) =>
    world.stack.smtp.waitForMail(address, { count: world.stack.smtp.mailsTo(address).length + 1 });
  /** The next mail to `address`, and its link with `prefix`. */
  const nextLink = async (address: string, prefix: string) => {
    const mail = await nextMail(address);
    const { username, token } = linkParams(mail.text, prefix);
    return { mail, link: { username, token } };
  };

  /**
   * Moves the account from `from` to `to` with a signed-in session, as its holder (owner or
   * attacker) would: answers the "this wasn't me" link the notice to `from` carried.
   */
  async function moveAddress(accessToken: string, from: string, to: string) {
    const confirmation = nextLink(to, CONFIRMATION_LINK_PREFIX);
    expect((await post('/accounts/me/email', { email: to }, accessToken)).statusCode).toBe(202);
    const { link } = await confirmation;
    const notice = nextLink(from, RESTORE_LINK_PREFIX);
    const confirmed = await post('/accounts/email/confirm', link);
    expect(confirmed.statusCode).toBe(200);
    const { mail, link: restoreLink } = await notice;
    expect(mail.subject).toBe('Your email address was changed');
    return restoreLink;
  }

  /** Follows a restore link; answers the reset link that then went to `restored`. */
  async function restore(link: { username: string; token: string }, restored: string) {
    const resetMail = nextLink(restored, RESET_LINK_PREFIX);
    const res = await post('/accounts/email/restore', link);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ email: restored });
    const { mail, link: reset } = await resetMail;
    expect(mail.subject).toBe('Choose a new password');
    return reset;
  }

  /** The owner chooses a password through the reset link and signs in with it. */
  async function ownerSignsIn(reset: { username: string; token: string }) {
    const done = await post('/accounts/password/reset', {
      username: reset.username,
      token: reset.token,
      password: OWNERS_PASSWORD,
    });
    expect(done.statusCode).toBe(200);
    return signInFrontend(world.stack.pool, reset.username, OWNERS_PASSWORD);
  }

  /** Everything a session holder had is dead: access token, refresh token, password. */
  async function lockedOut(
    user: { username: string; password: string },
    session: { AccessToken?: string; RefreshToken?: string },
  ) {
    expect((await me(session.AccessToken ?? '')).statusCode).toBe(401);
    await expect(
      world.stack.pool.client.send(
        new InitiateAuthCommand({
          ClientId: world.stack.pool.frontendClientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: session.RefreshToken ?? '' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(signInFrontend(world.stack.pool, user.username, user.password)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  }

  it("(a) two changes by an attacker with the password: the owner's first link still restores, and the attacker is out", async () => {
    const owner = await activatedUser(world.stack, freshEmail('owner'));
    const attacker = await signInFrontend(world.stack.pool, owner.username, owner.password);
    const [a1, a2] = [freshEmail('attacker-a'), freshEmail('attacker-b')];
    const ownersLink = await moveAddress(attacker.AccessToken ?? '', owner.email, a1);
    const attackersLink = await moveAddress(attacker.AccessToken ?? '', a1, a2);

    const told = nextMail(a2);
    const reset = await restore(ownersLink, owner.email);
    await lockedOut(owner, attacker);
    expect((await told).subject).toBe('Your email address was changed back');
    // The link the attacker got at the intermediate address is spent with the chain.
    expect((await post('/accounts/email/restore', attackersLink)).json()).toMatchObject({
      code: 'INVALID_RESTORE_LINK',
    });
    await expect(ownerSignsIn(reset)).resolves.toBeDefined();
  });

  it('(a) the link mailed to an intermediate address restores the first address, never its own', async () => {
    const owner = await activatedUser(world.stack, freshEmail('owner'));
    const [a1, a2] = [freshEmail('attacker-a'), freshEmail('attacker-b')];
    await moveAddress(owner.accessToken, owner.email, a1);
    const intermediate = await moveAddress(owner.accessToken, a1, a2);
    const reset = await restore(intermediate, owner.email);
    expect(world.stack.smtp.mailsTo(a1).map((mail) => mail.subject)).not.toContain('Choose a new password');
    await expect(ownerSignsIn(reset)).resolves.toBeDefined();
  });

  it('(b) after a legitimate change the old mailbox takes the account back within the window, and the new address is told', async () => {
    const user = await activatedUser(world.stack, freshEmail('legit'));
    const newEmail = freshEmail('legit-new');
    const device = await signInFrontend(world.stack.pool, user.username, user.password);
    const oldMailboxLink = await moveAddress(user.accessToken, user.email, newEmail);

    const told = nextMail(newEmail);
    const reset = await restore(oldMailboxLink, user.email);
    const mail = await told;
    expect(mail.subject).toBe('Your email address was changed back');
    expect(mail.text).toContain('contact our support');
    expect(mail.text).not.toContain(user.email);
    await lockedOut(user, device);
    await expect(ownerSignsIn(reset)).resolves.toBeDefined();

    // Past the window (EMAIL_RESTORE_TTL_DAYS, 3 by default) the old mailbox has no way back.
    const later = await activatedUser(world.stack, freshEmail('legit'));
    const lateLink = await moveAddress(later.accessToken, later.email, freshEmail('legit-new'));
    world.clock.advanceMinutes(3 * 24 * 60 + 1);
    expect((await post('/accounts/email/restore', lateLink)).json()).toMatchObject({
      code: 'INVALID_RESTORE_LINK',
    });
  });

  it("(c) an authenticator enrolled with a stolen session no longer challenges the owner's sign-in after the restore", async () => {
    const owner = await activatedUser(world.stack, freshEmail('owner'));
    const attacker = await signInFrontend(world.stack.pool, owner.username, owner.password);
    const AccessToken = attacker.AccessToken ?? '';
    const { client } = world.stack.pool;
    await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: '123456' }));
    await client.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    await expect(signInFrontend(world.stack.pool, owner.username, owner.password)).rejects.toThrow(
      /challenge SOFTWARE_TOKEN_MFA/,
    );
    const ownersLink = await moveAddress(AccessToken, owner.email, freshEmail('attacker'));

    const reset = await restore(ownersLink, owner.email);
    const signedIn = await ownerSignsIn(reset);
    expect(signedIn.AccessToken).toBeTruthy();
  });

  it('(d) a reset link mailed to the old address dies once a change is confirmed', async () => {
    const user = await activatedUser(world.stack, freshEmail('reset'));
    const resetMail = nextLink(user.email, RESET_LINK_PREFIX);
    expect((await post('/accounts/password/forgot', { email: user.email })).statusCode).toBe(202);
    const { link } = await resetMail;
    await moveAddress(user.accessToken, user.email, freshEmail('reset-new'));

    const res = await post('/accounts/password/reset', { ...link, password: OWNERS_PASSWORD });
    const garbage = await post('/accounts/password/reset', {
      ...link,
      token: 'x'.repeat(32),
      password: OWNERS_PASSWORD,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(garbage.json());
    expect(res.json()).toMatchObject({ code: 'INVALID_RESET_LINK' });
    await expect(signInFrontend(world.stack.pool, user.username, user.password)).resolves.toBeDefined();
  });
});
