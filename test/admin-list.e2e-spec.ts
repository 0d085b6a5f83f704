import { AdminCreateUserCommand, AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { adminUser, bearer } from './support/admin';
import { startStack, TestStack } from './support/stack';

interface Page {
  users: { username: string; email: string; state: string }[];
  cursor: string | null;
}

describe('the admin API lists and searches accounts page by page', () => {
  let stack: TestStack;
  let token: string;
  /** Usernames by n: `created[n]` has the address `even-n` or `odd-n`, whichever call finished first. */
  const created: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    token = (await adminUser(stack, 'lister@example.test')).accessToken;
    // 210 invited accounts, straight through the SDK, 15 at a time.
    for (let batch = 0; batch < 14; batch++) {
      await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const username = randomUUID();
          const n = batch * 15 + i;
          await stack.pool.client.send(
            new AdminCreateUserCommand({
              UserPoolId: stack.pool.userPoolId,
              Username: username,
              MessageAction: 'SUPPRESS',
              UserAttributes: [{ Name: 'email', Value: `${n % 2 ? 'odd' : 'even'}-${n}@example.test` }],
            }),
          );
          created[n] = username;
        }),
      );
    }
    // even-0: the "even" invited accounts below are the other 104.
    await stack.pool.client.send(
      new AdminDisableUserCommand({ UserPoolId: stack.pool.userPoolId, Username: created[0] }),
    );
  }, 120_000);
  afterAll(() => stack?.close());

  const page = async (query: string) => {
    const res = await stack.app.inject({
      method: 'GET',
      url: `/admin/users?${query}`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    return res.json<Page>();
  };

  async function all(query: string): Promise<Page['users']> {
    const users: Page['users'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const next: Page = await page(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      users.push(...next.users);
      cursor = next.cursor;
      pages++;
    } while (cursor && pages < 100);
    return users;
  }

  it('pages through every account, none twice', async () => {
    const first = await page('limit=50');
    expect(first.users).toHaveLength(50);
    expect(first.cursor).toEqual(expect.any(String));
    const users = await all('limit=50');
    const usernames = users.map((user) => user.username);
    expect(new Set(usernames).size).toBe(usernames.length);
    expect(usernames).toEqual(expect.arrayContaining(created));
    expect(users).toHaveLength(created.length + 1);
  });

  it('searches by email prefix, case-insensitively', async () => {
    const users = await all('email=ODD-1');
    const expected = Array.from({ length: 210 }, (_, n) => n)
      .filter((n) => n % 2 === 1 && String(n).startsWith('1'))
      .map((n) => `odd-${n}@example.test`);
    expect(users.map((user) => user.email).sort()).toEqual(expected.sort());
  });

  it('filters by state', async () => {
    const invited = await all('state=invited');
    // The first one was disabled: a disabled account is `disabled`, whether or not it was activated.
    expect(invited).toHaveLength(created.length - 1);
    expect((await all('state=disabled')).map((user) => user.username)).toEqual([created[0]]);
    expect((await all('state=active')).map((user) => user.email)).toEqual(['lister@example.test']);
    expect(await all('state=invitation-expired')).toEqual([]);
    const byEmailAndState = await all('email=even-&state=invited');
    expect(byEmailAndState).toHaveLength(104);
  });
});
