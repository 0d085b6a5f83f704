import { AdminInitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { forgeJwt } from './support/forge';
import { activatedUser } from './support/flows';
import { decodeJwt } from './support/jwt';
import { startStack, TestStack } from './support/stack';

describe('the access-token guard trusts only frontend-client access tokens', () => {
  let stack: TestStack;
  let user: Awaited<ReturnType<typeof activatedUser>>;
  /** The claims of a real frontend access token, to vary one at a time. */
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    stack = await startStack();
    user = await activatedUser(stack, 'guarded@example.test');
    claims = decodeJwt(user.accessToken);
  });
  afterAll(() => stack?.close());

  const me = (authorization?: string) =>
    stack.app.inject({ method: 'GET', url: '/accounts/me', headers: authorization ? { authorization } : {} });

  const expect401 = async (authorization: string | undefined, reason: RegExp) => {
    const res = await me(authorization);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    const body = res.json<{ code: string; message: string }>();
    expect(body.code).toBe('UNAUTHENTICATED');
    expect(body.message).toMatch(reason);
    if (authorization) expect(res.body).not.toContain(authorization.replace(/^\S+ /, ''));
  };

  it('accepts a frontend access token', async () => {
    const res = await me(`Bearer ${user.accessToken}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: user.username, email: user.email });
  });

  it('rejects a missing header', () => expect401(undefined, /missing/i));
  it('rejects another scheme', () => expect401(`Basic ${Buffer.from('a:b').toString('base64')}`, /Bearer/));
  it('rejects a malformed token', () => expect401('Bearer not-a-jwt', /malformed/i));
  it('rejects an expired token', () =>
    expect401(`Bearer ${forgeJwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })}`, /expired/i));
  it('rejects a token of another user pool', () =>
    expect401(
      `Bearer ${forgeJwt({ ...claims, iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_0ther' })}`,
      /another user pool/i,
    ));
  it('rejects an ID token', () => expect401(`Bearer ${user.idToken}`, /access token is required/i));
  it('rejects an unsigned token (alg none)', () =>
    expect401(`Bearer ${forgeJwt(claims, { alg: 'none' })}`, /./));
  it('rejects a token signed with an unknown key', () =>
    expect401(`Bearer ${forgeJwt(claims, { kid: 'someone-else' })}`, /unknown key/i));
  it('rejects a token whose claims were altered after signing, even while the real one is cached', async () => {
    // The real token was just verified and cached; the altered one carries the same signature.
    expect((await me(`Bearer ${user.accessToken}`)).statusCode).toBe(200);
    const [header, , signature] = user.accessToken.split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims, username: 'someone-else' })).toString(
      'base64url',
    );
    return expect401(`Bearer ${header}.${payload}.${signature}`, /signature/i);
  });

  it('rejects a real access token of the backend client', async () => {
    const { AuthenticationResult } = await stack.pool.client.send(
      new AdminInitiateAuthCommand({
        UserPoolId: stack.pool.userPoolId,
        ClientId: stack.pool.backendClientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
      }),
    );
    expect(decodeJwt(AuthenticationResult?.AccessToken ?? '')).toMatchObject({ token_use: 'access' });
    await expect401(`Bearer ${AuthenticationResult?.AccessToken}`, /frontend app client/i);
  });

  it('guards every non-public route, and says so in the OpenAPI document', async () => {
    for (const [method, url] of [
      ['GET', '/accounts/me'],
      ['POST', '/accounts/me/email'],
      ['DELETE', '/accounts/me/email'],
    ] as const) {
      const res = await stack.app.inject({
        method,
        url,
        payload: method === 'POST' ? { email: 'x@example.test' } : undefined,
      });
      expect(res.statusCode).toBe(401);
    }
    const doc = (await stack.app.inject({ method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    }>();
    expect(doc.paths['/accounts/me'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/accounts/me'].get.responses['401']).toBeDefined();
    expect(doc.paths['/accounts/signup'].post.security).toBeUndefined();
    expect(doc.paths['/accounts/email/confirm'].post.security).toBeUndefined();
  });
});
