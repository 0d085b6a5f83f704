import { adminUser, bearer } from './support/admin';
import { activatedUser } from './support/flows';
import { startStack, type TestStack } from './support/stack';

/**
 * Write routes ask Cognito about the token (GetUser) last: only about a request they would carry out.
 * A malformed request, or a non-admin on an admin route, is refused without a Cognito call, so it
 * costs the pool's quota nothing (Nest runs guards before pipes; the guard validates first).
 */
describe('write routes ask Cognito only about requests they would carry out', () => {
  let stack: TestStack;
  let user: Awaited<ReturnType<typeof activatedUser>>;
  let admin: Awaited<ReturnType<typeof adminUser>>;

  beforeAll(async () => {
    stack = await startStack();
    user = await activatedUser(stack, 'writer@example.test');
    admin = await adminUser(stack, 'write-admin@example.test');
  });
  afterAll(() => stack?.close());

  const getUserCalls = () => stack.fidelity.counts().GetUser ?? 0;

  /** The answer to one request and how many GetUser calls it cost. */
  async function send(method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) {
    const before = getUserCalls();
    const res = await stack.app.inject({ method, url, headers: bearer(token), payload });
    return {
      status: res.statusCode,
      body: res.json<{ message: unknown }>(),
      getUser: getUserCalls() - before,
    };
  }

  it.each([
    ['an address that is not one', { email: 'not-an-email' }],
    ['an unknown field', { email: 'new@example.test', admin: true }],
    ['no body at all', undefined],
  ])('an email change with %s: 400, no Cognito call', async (_case, payload) => {
    const answer = await send('POST', '/accounts/me/email', user.accessToken, payload);
    expect(answer).toMatchObject({ status: 400, getUser: 0 });
  });

  it('a valid email change asks Cognito once', async () => {
    const answer = await send('POST', '/accounts/me/email', user.accessToken, {
      email: 'writer2@example.test',
    });
    expect(answer).toMatchObject({ status: 202, getUser: 1 });
  });

  it.each([
    ['POST', '/admin/invitations', { email: 'nope' }],
    ['GET', '/admin/users/not-a-uuid', undefined],
    ['GET', '/admin/users?limit=100000', undefined],
    ['POST', '/admin/repairs/everything', undefined],
  ] as const)('an admin’s malformed %s %s: 400, no Cognito call', async (method, url, payload) => {
    const answer = await send(method, url, admin.accessToken, payload);
    expect(answer).toMatchObject({ status: 400, getUser: 0 });
  });

  it('a well-formed admin request asks Cognito once', async () => {
    const answer = await send('GET', '/admin/users?limit=5', admin.accessToken);
    expect(answer).toMatchObject({ status: 200, getUser: 1 });
  });

  it('a non-admin on an admin route: 403 before validation, no Cognito call', async () => {
    const answer = await send('POST', '/admin/invitations', user.accessToken, { email: 'nope' });
    expect(answer).toMatchObject({ status: 403, getUser: 0 });
  });
});
