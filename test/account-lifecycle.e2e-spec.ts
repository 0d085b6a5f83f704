import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { RECORD_STORE, type RecordStore } from '../src/coordination/coordination.types';
import { adminUser, bearer } from './support/admin';
import { activatedUser } from './support/flows';
import { decodeJwt } from './support/jwt';
import { startStack, TestStack } from './support/stack';

type User = Awaited<ReturnType<typeof activatedUser>>;

const LIFECYCLE_EVENTS = ['sessions.revoked', 'account.deleted', 'notice.sent'];

/**
 * The same account lifecycle behind `/accounts/me/…` and `/admin/…`: whoever asks, an ended session
 * leaves the same revocation mark, the same notice and the same audit line (the admin's adds who acted).
 */
describe('ending sessions and deleting accounts: self-service and admin alike', () => {
  let stack: TestStack;
  let admin: Awaited<ReturnType<typeof adminUser>>;
  let n = 0;
  const freshUser = () => activatedUser(stack, `lifecycle${++n}.${Date.now()}@example.test`);

  beforeAll(async () => {
    stack = await startStack();
    admin = await adminUser(stack, `lifecycle-admin.${Date.now()}@example.test`);
  });
  afterAll(() => stack?.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string) =>
    stack.app.inject({ method, url, headers: bearer(token) });

  /** The revocation mark of the user's `sub` (when its sessions ended), from the shared record store. */
  const markOf = async (user: User) => {
    const sub = String(decodeJwt(user.accessToken).sub);
    const mark = await stack.app.get<RecordStore>(RECORD_STORE).get(`revoked:${sub}`);
    return mark === undefined ? undefined : Number(mark);
  };

  /** The audit lines about one user, without the request id: what an operator reads. */
  const auditOf = (user: User) =>
    stack.logs.entries
      .filter(({ text }) => text.startsWith('{'))
      .map(({ text }) => JSON.parse(text) as Record<string, unknown>)
      .filter((line) => LIFECYCLE_EVENTS.includes(line.audit as string) && line.username === user.username)
      .map(({ audit, username, admin: by, notice }) => ({ audit, username, admin: by, notice }));

  /** What the user can see: their token refused as revoked, and the notice in their inbox. */
  const expectEnded = async (user: User, subject: string) => {
    const refused = await call('GET', '/accounts/me', user.accessToken);
    expect(refused.statusCode).toBe(401);
    expect((await stack.smtp.waitForMail(user.email, { count: 2 })).subject).toBe(subject);
  };

  it('signs out everywhere with the same mark, notice and audit line, by the user or by an admin', async () => {
    const [self, managed] = [await freshUser(), await freshUser()];
    const before = Date.now();

    expect((await call('POST', '/accounts/me/sessions/revoke', self.accessToken)).statusCode).toBe(204);
    expect(
      (await call('POST', `/admin/users/${managed.username}/sign-out`, admin.accessToken)).statusCode,
    ).toBe(204);

    for (const user of [self, managed]) {
      const mark = await markOf(user);
      expect(mark).toBeGreaterThanOrEqual(before);
      expect(mark).toBeLessThanOrEqual(Date.now());
      await expectEnded(user, 'You were signed out everywhere');
      const message = (await call('GET', '/accounts/me', user.accessToken)).json<{ message: string }>();
      expect(message.message).toMatch(/revoked/);
    }
    expect(auditOf(self)).toEqual([
      { audit: 'sessions.revoked', username: self.username },
      { audit: 'notice.sent', username: self.username, notice: 'sessions-ended' },
    ]);
    expect(auditOf(managed)).toEqual([
      { audit: 'sessions.revoked', username: managed.username, admin: admin.username },
      { audit: 'notice.sent', username: managed.username, notice: 'sessions-ended' },
    ]);
  });

  it('deletes with the same steps: the user is gone, its tokens refused, notice and audit line alike', async () => {
    const [self, managed] = [await freshUser(), await freshUser()];

    expect((await call('DELETE', '/accounts/me', self.accessToken)).statusCode).toBe(204);
    expect((await call('DELETE', `/admin/users/${managed.username}`, admin.accessToken)).statusCode).toBe(
      204,
    );

    for (const user of [self, managed]) {
      await expect(
        stack.pool.client.send(
          new AdminGetUserCommand({ UserPoolId: stack.pool.userPoolId, Username: user.username }),
        ),
      ).rejects.toMatchObject({ name: 'UserNotFoundException' });
      expect(await markOf(user)).toBeDefined();
      await expectEnded(user, 'Your account was deleted');
    }
    expect(auditOf(self)).toEqual([
      { audit: 'account.deleted', username: self.username },
      { audit: 'notice.sent', username: self.username, notice: 'account-deleted' },
    ]);
    expect(auditOf(managed)).toEqual([
      { audit: 'account.deleted', username: managed.username, admin: admin.username },
      { audit: 'notice.sent', username: managed.username, notice: 'account-deleted' },
    ]);
  });
});
