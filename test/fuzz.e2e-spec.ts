import { ListUsersCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import fc from 'fast-check';
import { activatedUser } from './support/flows';
import { requests, type Route } from './support/fuzz-requests';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';

const ROUTES: Route[] = [
  { method: 'GET', path: '/health', fields: [] },
  { method: 'GET', path: '/docs', fields: [] },
  { method: 'GET', path: '/docs-json', fields: [] },
  { method: 'POST', path: '/accounts/signup', fields: ['email', 'locale'] },
  { method: 'POST', path: '/accounts/signup/resend', fields: ['email'] },
  { method: 'POST', path: '/accounts/signup/complete', fields: ['username', 'token', 'password'] },
  { method: 'POST', path: '/accounts/email/confirm', fields: ['username', 'token'] },
  { method: 'GET', path: '/accounts/me', fields: [] },
  { method: 'POST', path: '/accounts/me/email', fields: ['email'] },
  { method: 'DELETE', path: '/accounts/me/email', fields: [] },
];

const RUNS_PER_ROUTE = 1_000;

describe('fuzzing every route: no 5xx, every 4xx explains itself, nothing created or changed', () => {
  let stack: TestStack;
  let accessToken: string;
  let usersBefore: UserType[];
  let prototypeBefore: string[];

  /** Every user of the pool, all pages. */
  const allUsers = async () => {
    const users: UserType[] = [];
    let token: string | undefined;
    do {
      const page = await stack.pool.client.send(
        new ListUsersCommand({ UserPoolId: stack.pool.userPoolId, PaginationToken: token }),
      );
      users.push(...(page.Users ?? []));
      token = page.PaginationToken;
    } while (token);
    return users.sort((a, b) => (a.Username ?? '').localeCompare(b.Username ?? ''));
  };

  beforeAll(async () => {
    stack = await startStack();
    // A real account and its token, so that authenticated routes are fuzzed past the guard too.
    ({ accessToken } = await activatedUser(stack, 'fuzz-owner@example.test'));
    usersBefore = await allUsers();
    stack.smtp.clear();
    prototypeBefore = Object.getOwnPropertyNames(Object.prototype);
  });
  afterAll(() => stack?.close());

  it.each(ROUTES)(
    `$method $path: ${RUNS_PER_ROUTE} random requests, no 5xx, every 4xx with a message`,
    async (route) => {
      await fc.assert(
        fc.asyncProperty(requests(route, accessToken), async (request) => {
          const res = await stack.app.inject({
            method: request.method,
            url: request.url,
            headers: {
              ...request.headers,
              ...(request.authorization === undefined ? {} : { authorization: request.authorization }),
              ...(request.contentType === undefined ? {} : { 'content-type': request.contentType }),
            },
            ...(request.payload === undefined ? {} : { payload: request.payload }),
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode < 400) return;
          // Whatever was sent, an error answer stays small (field names cut, messages counted).
          expect(res.body.length).toBeLessThan(4_096);
          const lines = [res.json<{ message?: unknown }>().message].flat();
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) expect(typeof line === 'string' && line.trim().length > 0).toBe(true);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    },
  );

  it('created, changed and mailed nothing, and polluted no prototype', async () => {
    await jobsDone(stack.app);
    expect(await allUsers()).toEqual(usersBefore);
    expect(stack.smtp.messages).toHaveLength(0);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeBefore);
  });
});
