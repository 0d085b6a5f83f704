import { EMAIL_RESTORE_ATTRIBUTE } from '../src/cognito/attributes';
import { clockedStackForSuite } from './support/clocked-stack';
import { getUserAttributes, signInFrontend } from './support/cognito-pool';
import { CONFIRMATION_LINK_PREFIX, RESET_LINK_PREFIX, RESTORE_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams } from './support/flows';

type User = Awaited<ReturnType<typeof activatedUser>>;

describe('"this wasn\'t me": restoring the old address (moto + real SMTP)', () => {
  const world = clockedStackForSuite();
  let n = 0;
  const freshEmail = (tag = 'restore') => `${tag}${++n}.${Date.now()}@example.test`;

  const restore = (payload: Record<string, unknown>, app = world.stack.app) =>
    app.inject({ method: 'POST', url: '/accounts/email/restore', payload });
  const me = (accessToken: string) =>
    world.stack.app.inject({
      method: 'GET',
      url: '/accounts/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });

  /** Moves the user to a new address through the API; answers the restore link the old address got. */
  async function changeAddress(user: User) {
    const newEmail = freshEmail('moved');
    const requested = await world.stack.app.inject({
      method: 'POST',
      url: '/accounts/me/email',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { email: newEmail },
    });
    expect(requested.statusCode).toBe(202);
    const confirmation = linkParams(
      (await world.stack.smtp.waitForMail(newEmail)).text,
      CONFIRMATION_LINK_PREFIX,
    );
    const confirmed = await world.stack.app.inject({
      method: 'POST',
      url: '/accounts/email/confirm',
      payload: { username: confirmation.username, token: confirmation.token },
    });
    expect(confirmed.statusCode).toBe(200);
    const notice = await world.stack.smtp.waitForMail(user.email, { count: 2 });
    const { username, token } = linkParams(notice.text, RESTORE_LINK_PREFIX);
    return { newEmail, notice, link: { username, token } };
  }

  const INVALID_LINK = {
    statusCode: 400,
    error: 'Bad Request',
    code: 'INVALID_RESTORE_LINK',
    message: 'Invalid or expired link',
  };

  it('puts the old address back, ends every session, mails a reset link to it and tells the address left', async () => {
    const user = await activatedUser(world.stack, freshEmail());
    const { newEmail, notice, link } = await changeAddress(user);
    expect(notice.subject).toBe('Your email address was changed');
    expect(notice.text).toContain("This wasn't me");
    expect(notice.html).toMatch(/target="_blank"/);
    expect((await getUserAttributes(world.stack.pool, user.username))[EMAIL_RESTORE_ATTRIBUTE]).not.toContain(
      link.token,
    );

    const res = await restore(link);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ email: user.email });
    expect(await getUserAttributes(world.stack.pool, user.username)).toMatchObject({
      email: user.email,
      email_verified: 'true',
    });
    expect((await me(user.accessToken)).statusCode).toBe(401);

    const resetMail = await world.stack.smtp.waitForMail(user.email, { count: 3 });
    expect(resetMail.subject).toBe('Choose a new password');
    const reset = linkParams(resetMail.text, RESET_LINK_PREFIX);
    const done = await world.stack.app.inject({
      method: 'POST',
      url: '/accounts/password/reset',
      payload: { username: reset.username, token: reset.token, password: 'Taken-Back-Account-42' },
    });
    expect(done.statusCode).toBe(200);
    await expect(
      signInFrontend(world.stack.pool, user.username, 'Taken-Back-Account-42'),
    ).resolves.toBeDefined();

    // The address it moved away from is told, and free again; the link is single use.
    expect((await world.stack.smtp.waitForMail(newEmail, { count: 2 })).subject).toBe(
      'Your email address was changed back',
    );
    expect((await restore(link)).json()).toEqual(INVALID_LINK);
    await world.stack.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email: newEmail } });
    expect((await world.stack.smtp.waitForMail(newEmail, { count: 3 })).subject).toBe(
      'Finish creating your account',
    );
  });

  it('answers 409 when another account has taken the old address meanwhile, and changes nothing', async () => {
    const user = await activatedUser(world.stack, freshEmail());
    const { newEmail, link } = await changeAddress(user);
    await activatedUser(world.stack, user.email); // someone else signs up with the freed address

    const res = await restore(link);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(await getUserAttributes(world.stack.pool, user.username)).toMatchObject({ email: newEmail });
  });

  it('answers one error for a wrong, expired or unknown link, and 400 for a cut-off one', async () => {
    const user = await activatedUser(world.stack, freshEmail());
    const { link } = await changeAddress(user);
    const tries = [
      { ...link, token: `${link.token.slice(0, -1)}${link.token.endsWith('A') ? 'B' : 'A'}` },
      { ...link, username: '0b6d8c1e-0000-4000-8000-000000000001' },
    ];
    for (const wrong of tries) expect((await restore(wrong)).json()).toEqual(INVALID_LINK);
    world.clock.advanceMinutes(3 * 24 * 60 + 1);
    expect((await restore(link)).json()).toEqual(INVALID_LINK);
    world.clock.reset();

    const cutOff = await restore({ username: link.username, token: link.token.slice(0, 10) });
    expect(cutOff.statusCode).toBe(400);
    expect(cutOff.json()).toMatchObject({ message: ['token must be longer than or equal to 16 characters'] });
  });

  it('a failure half-way answers 503 and the same link works for the retry', async () => {
    const user = await activatedUser(world.stack, freshEmail());
    const { link } = await changeAddress(user);
    world.proxy.inject('AdminUpdateUserAttributes', { kind: 'error5xx' });
    const failed = await restore(link);
    expect(failed.statusCode).toBe(503);
    world.proxy.clear();
    const retried = await restore(link);
    expect(retried.statusCode).toBe(200);
    expect(await getUserAttributes(world.stack.pool, user.username)).toMatchObject({ email: user.email });
  });

  it('limits requests per client with 429', async () => {
    const { app } = await world.stack.bootApp({
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_IP_PER_MINUTE: '3' },
    });
    const codes = [];
    for (let i = 0; i < 4; i++) {
      codes.push(
        (await restore({ username: '0b6d8c1e-0000-4000-8000-000000000001', token: 'x'.repeat(32) }, app))
          .statusCode,
      );
    }
    expect(codes).toEqual([400, 400, 400, 429]);
  });
});
