import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccountsApiError, createAccountsClient } from '../clients/typescript/src/index';
import { activatedUser } from './support/flows';
import { startStack, type TestStack } from './support/stack';

/*
 * The typed client (clients/typescript): generated from the committed openapi.json, and what a
 * frontend gets from it against the real service: typed data, the bearer token, typed errors.
 */

/** The service's own fetch: each request goes through Fastify's inject, no port needed. */
const injectFetch =
  (app: NestFastifyApplication) =>
  async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const answer = await app.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      payload: request.body ? await request.text() : undefined,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers.set(name, String(value));
    }
    const empty = answer.statusCode === 204 || answer.body === '';
    return new Response(empty ? null : answer.body, { status: answer.statusCode, headers });
  };

describe('the typed client', () => {
  /** Each step of `npm run client` with its output to stdout instead of its file: [file, command]. */
  const steps = (
    JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { client: string } }
  ).scripts.client
    .split(' && ')
    .map((command) => {
      const output = / (?:-o |--outfile=)(\S+)/.exec(command);
      if (!output) throw new Error(`no output file in: ${command}`);
      return [output[1], command.replace(output[0], '')] as const;
    });

  it.each(steps)('keeps %s as `npm run client` makes it from openapi.json', (file, command) => {
    const generated = execFileSync('sh', ['-c', command], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, PATH: `node_modules/.bin:${process.env.PATH}` },
    });
    expect(readFileSync(file, 'utf8')).toBe(generated);
  });

  describe('against the service', () => {
    let stack: TestStack;
    let token: string | undefined;
    const client = () =>
      createAccountsClient({
        baseUrl: 'http://accounts.test',
        getAccessToken: () => token,
        fetch: injectFetch(stack.app),
      });

    beforeAll(async () => {
      stack = await startStack();
    });
    afterAll(() => stack?.close());

    const failureOf = async (call: Promise<unknown>) => {
      const error: unknown = await call.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(AccountsApiError);
      return error as AccountsApiError;
    };

    it('sends no token when there is none, and turns the 401 into an error with its code', async () => {
      token = undefined;
      const error = await failureOf(client().GET('/accounts/me'));
      expect({ status: error.status, code: error.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    });

    it('lists every validation message of a 400', async () => {
      const error = await failureOf(client().POST('/accounts/signup', { body: { email: 'not an address' } }));
      expect(error.status).toBe(400);
      expect(error.code).toBeUndefined();
      expect(error.messages.join(' ')).toMatch(/email/);
    });

    it('reads Retry-After into the error of a 429', async () => {
      const { app } = await stack.bootApp({
        env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_IP_PER_MINUTE: '1' },
      });
      const limited = createAccountsClient({ baseUrl: 'http://accounts.test', fetch: injectFetch(app) });
      const forgot = () =>
        limited.POST('/accounts/password/forgot', { body: { email: 'nobody@example.com' } });
      await forgot();
      const error = await failureOf(forgot());
      expect({ status: error.status, code: error.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
    });

    it('adds the bearer token and returns the documented body', async () => {
      const user = await activatedUser(stack, 'client@example.com');
      token = user.accessToken;
      const { data } = await client().GET('/accounts/me');
      expect(data).toMatchObject({ username: user.username, email: user.email });
    });
  });
});
