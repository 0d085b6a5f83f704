import { adminUser, bearer } from './support/admin';
import { getUserAttributes } from './support/cognito-pool';
import { CONFIRMATION_LINK_PREFIX, RESET_LINK_PREFIX, RESTORE_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';
import { newWebhookSecret, WebhookReceiver, webhookEnv } from './support/webhook-receiver';

type User = Awaited<ReturnType<typeof activatedUser>>;

jest.setTimeout(90_000);

describe('lifecycle events: each flow sends exactly its events, signed (moto + real SMTP + a receiver)', () => {
  const receiver = new WebhookReceiver(newWebhookSecret());
  let stack: TestStack;
  let admin: User;
  let n = 0;
  const freshEmail = (tag = 'events') => `${tag}${++n}.${Date.now()}@example.test`;
  const call = (method: 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    stack.app.inject({ method, url, headers: bearer(token), payload });

  /** The account's events once every job has run: nothing more is on its way. */
  const settled = async (username: string) => {
    await jobsDone(stack.app);
    return receiver.events(username);
  };

  beforeAll(async () => {
    await receiver.start();
    stack = await startStack({ env: webhookEnv(receiver) });
    admin = await adminUser(stack, freshEmail('admin'));
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
    await receiver.stop();
  });

  it('signup and activation: invited, then activated, with the account after each and no secret', async () => {
    const user = await activatedUser(stack, freshEmail());
    const { sub } = await getUserAttributes(stack.pool, user.username);
    const events = await receiver.waitFor(user.username, 2);
    expect((await settled(user.username)).map((event) => event.type)).toEqual([
      'account.invited',
      'account.activated',
    ]);
    const { id, occurredAt, ...activated } = events[1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(occurredAt).toISOString()).toBe(occurredAt);
    expect(activated).toEqual({
      type: 'account.activated',
      version: 1,
      data: {
        username: user.username,
        sub,
        account: { email: user.email, emailVerified: true, status: 'active' },
      },
    });
    expect(events[0].data.account).toEqual({ email: user.email, emailVerified: false, status: 'invited' });
    expect(Date.parse(events[1].occurredAt)).toBeGreaterThanOrEqual(Date.parse(events[0].occurredAt));
    expect(JSON.stringify(receiver.deliveries)).not.toMatch(/token|seal|password|custom:/i);
  });

  it('email change, then "this wasn\'t me": email_changed and email_restored, each with both addresses', async () => {
    const user = await activatedUser(stack, freshEmail());
    const newEmail = freshEmail('moved');
    expect((await call('POST', '/accounts/me/email', user.accessToken, { email: newEmail })).statusCode).toBe(
      202,
    );
    const { username, token } = linkParams(
      (await stack.smtp.waitForMail(newEmail)).text,
      CONFIRMATION_LINK_PREFIX,
    );
    const confirmed = await stack.app.inject({
      method: 'POST',
      url: '/accounts/email/confirm',
      payload: { username, token },
    });
    expect(confirmed.statusCode).toBe(200);
    const notice = await stack.smtp.waitForMail(user.email, { count: 2 });
    const restore = linkParams(notice.text, RESTORE_LINK_PREFIX);
    const restored = await stack.app.inject({
      method: 'POST',
      url: '/accounts/email/restore',
      payload: { username: restore.username, token: restore.token },
    });
    expect(restored.statusCode).toBe(200);
    await receiver.waitFor(user.username, 4);
    const [, , changed, back] = await settled(user.username);
    expect((await settled(user.username)).length).toBe(4);
    expect(changed).toMatchObject({
      type: 'account.email_changed',
      data: {
        change: { previousEmail: user.email, email: newEmail },
        account: { email: newEmail, status: 'active' },
      },
    });
    expect(back).toMatchObject({
      type: 'account.email_restored',
      data: { change: { previousEmail: newEmail, email: user.email }, account: { email: user.email } },
    });
  });

  it('password reset: password_reset only (its ending of sessions is part of it)', async () => {
    const user = await activatedUser(stack, freshEmail());
    await stack.app.inject({
      method: 'POST',
      url: '/accounts/password/forgot',
      payload: { email: user.email },
    });
    const link = linkParams((await stack.smtp.waitForMail(user.email, { count: 2 })).text, RESET_LINK_PREFIX);
    const reset = await stack.app.inject({
      method: 'POST',
      url: '/accounts/password/reset',
      payload: { username: link.username, token: link.token, password: `${TEST_PASSWORD}-new` },
    });
    expect(reset.statusCode).toBe(200);
    await receiver.waitFor(user.username, 3);
    expect((await settled(user.username)).map((event) => event.type).slice(2)).toEqual([
      'account.password_reset',
    ]);
  });

  it('sign out everywhere, by the user: sessions_revoked', async () => {
    const user = await activatedUser(stack, freshEmail());
    expect((await call('POST', '/accounts/me/sessions/revoke', user.accessToken)).statusCode).toBe(204);
    await receiver.waitFor(user.username, 3);
    expect((await settled(user.username)).map((event) => event.type).slice(2)).toEqual([
      'account.sessions_revoked',
    ]);
  });

  it('deleting the account, by the user: deleted, with the last address', async () => {
    const user = await activatedUser(stack, freshEmail());
    expect((await call('DELETE', '/accounts/me', user.accessToken)).statusCode).toBe(204);
    await receiver.waitFor(user.username, 3);
    const events = await settled(user.username);
    expect(events.map((event) => event.type).slice(2)).toEqual(['account.deleted']);
    expect(events[2].data.account).toEqual({ email: user.email, emailVerified: true, status: 'deleted' });
  });

  it('an admin invites, disables, enables, signs out and deletes: one event each, in that order', async () => {
    const email = freshEmail('invited');
    const invited = await call('POST', '/admin/invitations', admin.accessToken, { email });
    expect(invited.statusCode).toBe(201);
    const { username } = invited.json<{ username: string }>();
    for (const step of ['disable', 'enable', 'sign-out']) {
      expect((await call('POST', `/admin/users/${username}/${step}`, admin.accessToken)).statusCode).toBe(
        204,
      );
    }
    expect((await call('DELETE', `/admin/users/${username}`, admin.accessToken)).statusCode).toBe(204);
    await receiver.waitFor(username, 5);
    const events = await settled(username);
    expect(events.map((event) => event.type)).toEqual([
      'account.invited',
      'account.disabled',
      'account.enabled',
      'account.sessions_revoked',
      'account.deleted',
    ]);
    expect(events.map((event) => event.data.account.status)).toEqual([
      'invited',
      'disabled',
      'invited',
      'invited',
      'deleted',
    ]);
  });
});
