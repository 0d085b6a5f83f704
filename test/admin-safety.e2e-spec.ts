import { AdminRemoveUserFromGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { adminUser, bearer } from './support/admin';
import { startStack, type TestStack } from './support/stack';

type Admin = Awaited<ReturnType<typeof adminUser>>;

describe('admins cannot lock themselves or the admin group out', () => {
  let stack: TestStack;
  let n = 0;
  const newAdmin = () => adminUser(stack, `admin${++n}.${Date.now()}@example.test`);

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, admin: Admin) =>
    stack.app.inject({ method, url, headers: bearer(admin.accessToken) });

  it('an admin removed from the group loses the admin API at once, with the same token', async () => {
    const admin = await newAdmin();
    expect((await call('GET', '/admin/users', admin)).statusCode).toBe(200);
    await stack.pool.client.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: stack.pool.userPoolId,
        Username: admin.username,
        GroupName: 'admin',
      }),
    );
    const res = await call('GET', '/admin/users', admin);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each([
    ['POST', 'disable', 'POST /accounts/me/sessions/revoke'],
    ['POST', 'sign-out', 'POST /accounts/me/sessions/revoke'],
    ['DELETE', '', 'DELETE /accounts/me'],
  ] as const)(
    '%s /admin/users/<own>/%s answers 409 OWN_ACCOUNT, pointing to %s',
    async (method, action, route) => {
      const admin = await newAdmin();
      const url = `/admin/users/${admin.username}${action ? `/${action}` : ''}`;
      const res = await call(method, url, admin);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'OWN_ACCOUNT' });
      expect(res.json<{ message: string }>().message).toContain(route);
      // Nothing happened: the admin is still signed in and still an admin.
      expect((await call('GET', '/admin/users', admin)).statusCode).toBe(200);
    },
  );

  it('two admins disabling each other at once: one wins, the last enabled admin stays, and it is audited', async () => {
    const [ada, bob] = [await newAdmin(), await newAdmin()];
    // Every other admin of this pool goes first, so these two are the group's last.
    const others = await call('GET', '/admin/users?state=active', ada);
    for (const user of others.json<{ users: { username: string }[] }>().users) {
      if (user.username === ada.username || user.username === bob.username) continue;
      expect((await call('POST', `/admin/users/${user.username}/disable`, ada)).statusCode).toBe(204);
    }
    const answers = await Promise.all([
      call('POST', `/admin/users/${bob.username}/disable`, ada),
      call('POST', `/admin/users/${ada.username}/disable`, bob),
    ]);
    expect(answers.map((res) => res.statusCode).sort()).toEqual([204, 409]);
    expect(answers.find((res) => res.statusCode === 409)?.json()).toMatchObject({ code: 'LAST_ADMIN' });
    const [winner, loser] = answers[0].statusCode === 204 ? [ada, bob] : [bob, ada];
    expect((await call('GET', '/admin/users', winner)).statusCode).toBe(200);
    expect(stack.logs.text).toContain(
      `"audit":"admin.acted-on-admin","admin":"${winner.username}","username":"${loser.username}","action":"disable"`,
    );
    expect(stack.logs.text).not.toContain(winner.accessToken);

    // Enabling the other admin again is an action on an admin too.
    expect((await call('POST', `/admin/users/${loser.username}/enable`, winner)).statusCode).toBe(204);
    expect(stack.logs.text).toContain(
      `"audit":"admin.acted-on-admin","admin":"${winner.username}","username":"${loser.username}","action":"enable"`,
    );
  });
});
