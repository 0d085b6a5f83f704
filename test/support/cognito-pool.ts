import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListUsersCommand,
  type AuthenticationResultType,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { provisionPool } from '../../src/provisioning/provision-pool';

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const DEFAULT_REGION = 'eu-west-1';

export interface TestPool {
  userPoolId: string;
  backendClientId: string;
  frontendClientId: string;
  region: string;
  endpoint: string;
  /** An SDK client bound to moto (admin calls need no real credentials there). */
  client: CognitoIdentityProviderClient;
}

/** A real SDK client pointed at moto, with dummy credentials. */
export function cognitoClient(endpoint: string, region = DEFAULT_REGION): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

let poolCounter = 0;

/**
 * Creates the user pool, its MFA configuration and both app clients exactly as
 * `src/provisioning/user-pool.definition.ts` describes them, the way `npm run provision` does
 * (moto 5.2.1 accepts every field as is).
 */
export async function createPool(
  endpoint: string,
  region = DEFAULT_REGION,
  poolName = `cognito-accounts-e2e-${process.pid}-${++poolCounter}`,
): Promise<TestPool> {
  const client = cognitoClient(endpoint, region);
  const { userPoolId, backendClientId, frontendClientId, notes } = await provisionPool(client, { poolName });
  if (notes.length > 0) throw new Error(`the test pool is not as designed:\n${notes.join('\n')}`);
  return { userPoolId, backendClientId, frontendClientId, region, endpoint, client };
}

type PoolRef = Pick<TestPool, 'client' | 'userPoolId' | 'frontendClientId'>;

/**
 * Signs in the way a browser does: `InitiateAuth` USER_PASSWORD_AUTH with the frontend client.
 * Moto signs in by username only (not by the email alias). Throws the SDK's exception on failure,
 * and an Error if Cognito answers a challenge instead of tokens.
 */
export async function signInFrontend(
  pool: PoolRef,
  username: string,
  password: string,
): Promise<AuthenticationResultType> {
  const res = await pool.client.send(
    new InitiateAuthCommand({
      ClientId: pool.frontendClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (!res.AuthenticationResult) {
    throw new Error(`sign-in of ${username} answered challenge ${res.ChallengeName ?? '(none)'}, not tokens`);
  }
  return res.AuthenticationResult;
}

export type UserAttributes = Record<string, string> & { UserStatus: string };

/** The user's attributes by name (`email`, `custom:...`, `sub`, ...) plus its `UserStatus`. */
export async function getUserAttributes(
  pool: Pick<TestPool, 'client' | 'userPoolId'>,
  username: string,
): Promise<UserAttributes> {
  const res = await pool.client.send(
    new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: username }),
  );
  const out: Record<string, string> = {};
  for (const { Name, Value } of res.UserAttributes ?? []) if (Name) out[Name] = Value ?? '';
  return { ...out, UserStatus: res.UserStatus ?? '' };
}

/** `ListUsers` with `Filter: email = "..."` (exact match, as the service looks users up). */
export async function listUsersByEmail(
  pool: Pick<TestPool, 'client' | 'userPoolId'>,
  email: string,
): Promise<UserType[]> {
  const res = await pool.client.send(
    new ListUsersCommand({
      UserPoolId: pool.userPoolId,
      Filter: `email = "${email.replace(/(["\\])/g, '\\$1')}"`,
    }),
  );
  return res.Users ?? [];
}

/** `${endpoint}/${poolId}/.well-known/jwks.json`, the JWKS moto serves for the pool's tokens. */
export const jwksUrl = (pool: Pick<TestPool, 'endpoint' | 'userPoolId'>) =>
  `${pool.endpoint}/${pool.userPoolId}/.well-known/jwks.json`;

/** The `iss` claim moto puts in tokens (the real Cognito format). */
export const issuer = (pool: Pick<TestPool, 'region' | 'userPoolId'>) =>
  `https://cognito-idp.${pool.region}.amazonaws.com/${pool.userPoolId}`;
