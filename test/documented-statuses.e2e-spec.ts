import { randomUUID } from 'node:crypto';
import { adminUser, bearer } from './support/admin';
import { clockedStackForSuite } from './support/clocked-stack';
import { COGNITO_OPERATIONS } from './support/fault-proxy';
import { activatedUser, TEST_PASSWORD } from './support/flows';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/*
 * The error answers every route of a kind gives, for each route the OpenAPI document lists them on:
 * 400, 413 and 415 for a malformed, oversized or non-JSON body, 401 without a token, 403 for a user
 * outside the admin group, 429 once the rate limit is spent, 503 while Cognito fails. Driven by the document itself, so a new
 * route is held to them without a test of its own (and the e2e project's check that every documented
 * status is seen stays honest).
 */

let n = 0;
const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

interface Operation {
  operationId: string;
  security?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  parameters?: { in: string; name: string; schema?: { enum?: string[] } }[];
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  operation: Operation;
}

/**
 * A request body each route accepts, by operation id: the checks before a token reaches Cognito
 * validate it (LiveTokenCheck), so a 503 or 429 is only seen behind a valid body.
 */
const BODIES: Record<string, () => object> = {
  signup: () => ({ email: freshEmail('doc') }),
  resendActivation: () => ({ email: freshEmail('doc') }),
  forgotPassword: () => ({ email: freshEmail('doc') }),
  completeSignup: () => ({ username: randomUUID(), token: 'a'.repeat(32), password: TEST_PASSWORD }),
  resetPassword: () => ({ username: randomUUID(), token: 'a'.repeat(32), password: TEST_PASSWORD }),
  confirmEmailChange: () => ({ username: randomUUID(), token: 'a'.repeat(32) }),
  restoreEmail: () => ({ username: randomUUID(), token: 'a'.repeat(32) }),
  requestEmailChange: () => ({ email: freshEmail('doc') }),
  verify: () => ({ code: '123456' }),
  invite: () => ({ email: freshEmail('doc') }),
};

/** The first of an enumerated path parameter's values; a fresh UUID for the others (usernames, ids). */
function urlOf({ path, operation }: Route): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
    return parameter?.schema?.enum?.[0] ?? randomUUID();
  });
}

function bodyOf(route: Route): object | undefined {
  if (!route.operation.requestBody) return undefined;
  const body = BODIES[route.operation.operationId];
  if (!body) throw new Error(`add a valid body for ${route.operation.operationId} to BODIES`);
  return body();
}

describe('the error answers the OpenAPI document lists, route by route', () => {
  const parts = clockedStackForSuite();
  let routes: Route[];
  let user: { accessToken: string };
  let admin: { accessToken: string };

  const documenting = (status: number) =>
    routes.filter((route) => String(status) in route.operation.responses);
  const send = (app: NestFastifyApplication, route: Route, token?: string) =>
    app.inject({
      method: route.method,
      url: urlOf(route),
      headers: token ? bearer(token) : {},
      ...(route.operation.requestBody ? { payload: bodyOf(route) } : {}),
    });
  /** "METHOD /path status" for each route, so a failure names every route that answered otherwise. */
  const answers = async (app: NestFastifyApplication, chosen: Route[], token?: (route: Route) => string) =>
    Promise.all(
      chosen.map(
        async (route) =>
          `${route.method} ${route.path} ${(await send(app, route, token?.(route))).statusCode}`,
      ),
    );
  const expected = (chosen: Route[], status: number) =>
    chosen.map((route) => `${route.method} ${route.path} ${status}`);
  const tokenFor = (route: Route) => (String(403) in route.operation.responses ? admin : user).accessToken;

  beforeAll(async () => {
    const { app } = parts.stack;
    const document = (await app.inject({ method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase() as Route['method'],
        path,
        operation,
      })),
    );
    [user, admin] = await Promise.all([
      activatedUser(parts.stack, freshEmail('doc-user')),
      adminUser(parts.stack, freshEmail('doc-admin')),
    ]);
  });

  it('401 on every route that takes a token, when none is sent', async () => {
    const chosen = routes.filter((route) => route.operation.security);
    expect(chosen.length).toBeGreaterThan(0);
    expect(await answers(parts.stack.app, chosen)).toEqual(expected(chosen, 401));
  });

  it('403 on every admin route, for a signed-in user outside the admin group', async () => {
    const chosen = documenting(403);
    expect(chosen.length).toBeGreaterThan(0);
    expect(await answers(parts.stack.app, chosen, () => user.accessToken)).toEqual(expected(chosen, 403));
  });

  it.each([
    [400, 'malformed JSON', 'application/json', '{"email": '],
    [413, 'a body over 100 kB', 'application/json', JSON.stringify({ padding: 'x'.repeat(101 * 1024) })],
    [415, 'a body other than JSON', 'application/x-www-form-urlencoded', 'email=a%40example.test'],
  ])(
    '%i on every POST and DELETE, for %s, before any token is looked at',
    async (status, _what, type, payload) => {
      const chosen = routes.filter((route) => route.method !== 'GET');
      const results = await Promise.all(
        chosen.map(async (route) => {
          const res = await parts.stack.app.inject({
            method: route.method,
            url: urlOf(route),
            headers: { 'content-type': type },
            payload,
          });
          return `${route.method} ${route.path} ${res.statusCode}`;
        }),
      );
      expect(results).toEqual(expected(chosen, status));
    },
  );

  it('503 on every route, while Cognito fails', async () => {
    // Every route asks Cognito, and a route that does not say so fails here. Health has its own
    // answers (operations.e2e-spec.ts); the CAPTCHA routes queue their work and answer 202 through an
    // outage: their 503 is SERVICE_BUSY from admission control (attacks-flood.e2e-spec.ts).
    const chosen = routes.filter(
      (route) =>
        route.path.startsWith('/health') === false &&
        !route.operation.parameters?.some((p) => p.in === 'header'),
    );
    for (const operation of COGNITO_OPERATIONS) parts.proxy.inject(operation, { kind: 'error5xx' });
    expect(await answers(parts.stack.app, chosen, tokenFor)).toEqual(expected(chosen, 503));
  });

  it('429 on every rate-limited route, once the limit is spent', async () => {
    const { app } = await parts.stack.bootApp({
      env: {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_IP_PER_MINUTE: '1',
        RATE_LIMIT_USER_PER_MINUTE: '1',
        RATE_LIMIT_ADMIN_PER_MINUTE: '1',
      },
    });
    const chosen = documenting(429);
    // One harmless request spends the client's (and the admin's) minute: every route answers 429 from
    // then on, before it acts.
    const spent = await app.inject({
      method: 'GET',
      url: '/admin/users',
      headers: bearer(admin.accessToken),
    });
    expect(spent.statusCode).toBe(200);
    expect(await answers(app, chosen, tokenFor)).toEqual(expected(chosen, 429));
  });
});
