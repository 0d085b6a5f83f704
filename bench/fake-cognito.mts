import { generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The pool the bench pretends to be; the region prefix must match for aws-jwt-verify. */
export const BENCH_POOL = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_bench',
  backendClientId: 'benchbackendclient00000000',
  frontendClientId: 'benchfrontendclient0000000',
} as const;

/** The one user every token speaks for and AdminGetUser answers with. */
export const BENCH_USER = {
  username: '6a1c3f52-8f0e-4c39-9a57-2d5c1b0e7a41',
  sub: '1d7e8c20-5b44-4f0a-8e15-77c0a2f3b9d6',
  email: 'bench.user@example.com',
} as const;

export interface FakeCognito {
  /** `http://127.0.0.1:PORT`: the service's COGNITO_ENDPOINT. */
  endpoint: string;
  /** `{ keys: [...] }` as Cognito serves it at `/<pool id>/.well-known/jwks.json`. */
  jwks: { keys: JsonWebKey[] };
  /** A Cognito-style access token of the frontend client, signed RS256 with the pool's key. */
  mintAccessToken(): string;
  /** How many requests the fake has answered, by operation (`X-Amz-Target`, or `JWKS`). */
  calls(): Record<string, number>;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const HOUR_S = 3_600;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims of a real Cognito access token (what `aws-jwt-verify` and the service look at, and the rest). */
function accessTokenClaims(issuer: string, clientId: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: BENCH_USER.sub,
    iss: issuer,
    version: 2,
    client_id: clientId,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    exp: now + HOUR_S,
    iat: now,
    jti: randomUUID(),
    username: BENCH_USER.username,
    // An admin of the pool, so one token serves the admin routes too (ADMIN_GROUP's default).
    'cognito:groups': ['admin'],
  };
}

function signJwt(claims: object, kid: string, privateKey: KeyObject): string {
  const unsigned = `${base64url({ kid, alg: 'RS256' })}.${base64url(claims)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
}

/** AdminGetUser's answer for the bench user, in the AWS JSON 1.1 protocol. */
const USER = {
  Username: BENCH_USER.username,
  UserAttributes: [
    { Name: 'sub', Value: BENCH_USER.sub },
    { Name: 'email', Value: BENCH_USER.email },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'locale', Value: 'en' },
  ],
  UserCreateDate: 1_700_000_000,
  UserLastModifiedDate: 1_700_000_000,
  Enabled: true,
  UserStatus: 'CONFIRMED',
};
const ADMIN_GET_USER = JSON.stringify(USER);
/** GetUser (with the access token, asked by AccessGuard on write and admin routes) answers less. */
const GET_USER = JSON.stringify({ Username: USER.Username, UserAttributes: USER.UserAttributes });

function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Cognito as far as the guarded routes need it, answering at once: the pool's JWKS, AdminGetUser
 * for the bench user and GetUser for its token (write and admin routes). Anything else is an error, so a route that calls more than
 * expected shows up as failed requests rather than as a fast number.
 */
export async function startFakeCognito(
  pool: { region: string; userPoolId: string; frontendClientId: string } = BENCH_POOL,
): Promise<FakeCognito> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  const jwksBody = JSON.stringify(jwks);
  const jwksPath = `/${pool.userPoolId}/.well-known/jwks.json`;
  const issuer = `https://cognito-idp.${pool.region}.amazonaws.com/${pool.userPoolId}`;
  const counts: Record<string, number> = {};
  const count = (operation: string) => (counts[operation] = (counts[operation] ?? 0) + 1);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === jwksPath) {
      count('JWKS');
      return answer(res, 200, 'application/json', jwksBody);
    }
    const target = String(req.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
    count(target || `${req.method} ${req.url}`);
    if (target === 'AdminGetUser') return answer(res, 200, 'application/x-amz-json-1.1', ADMIN_GET_USER);
    if (target === 'GetUser') return answer(res, 200, 'application/x-amz-json-1.1', GET_USER);
    const error = JSON.stringify({ __type: 'InvalidParameterException', message: `fake: no ${target}` });
    answer(res, 400, 'application/x-amz-json-1.1', error);
  };
  // The SDK sends a body with every call: read it to the end before answering.
  const server = createServer((req, res) => req.resume().once('end', () => handle(req, res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    jwks,
    mintAccessToken: () => signJwt(accessTokenClaims(issuer, pool.frontendClientId), kid, privateKey),
    calls: () => ({ ...counts }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
