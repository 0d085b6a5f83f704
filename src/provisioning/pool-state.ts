import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  GetUserPoolMfaConfigCommand,
  paginateListUserPoolClients,
  paginateListUserPools,
  type CognitoIdentityProviderClient,
  type GroupType,
  type UserPoolClientDescription,
  type UserPoolClientType,
  type UserPoolDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CLIENT_ROLES,
  CLIENTS,
  comparePool,
  POOL,
  senderWarnings,
  type ClientRole,
  type Difference,
  type PoolState,
} from './differences.ts';
import { ProvisioningError } from './provisioning-error.ts';
import type { SesSender } from './user-pool.definition.ts';
import { adminGroupDefinition } from './user-pool.definition.ts';

/* Reading a pool's state from Cognito: found by name or id, with its two app clients. */

export interface CheckTarget {
  /** Found by name when no `userPoolId` is given. */
  poolName?: string;
  userPoolId?: string;
  /** Found by `ClientName` when not given. */
  backendClientId?: string;
  frontendClientId?: string;
  /** The SES identity Cognito's own mails must go through, when provisioning was given one. */
  ses?: SesSender;
}

export interface CheckResult {
  differences: Difference[];
  /** What works but will not hold up in production (Cognito's default sender). */
  warnings: string[];
}

/** At most one match, or an error naming every candidate. */
function atMostOne<T>(
  matches: T[],
  ids: (match: T) => string | undefined,
  description: string,
): T | undefined {
  if (matches.length > 1) {
    throw new ProvisioningError(
      `${matches.length} ${description} (${matches.map(ids).join(', ')}): rename or delete all but one`,
    );
  }
  return matches[0];
}

export async function findPoolId(
  client: CognitoIdentityProviderClient,
  poolName: string,
): Promise<string | undefined> {
  const matches: UserPoolDescriptionType[] = [];
  for await (const page of paginateListUserPools({ client }, { MaxResults: 60 })) {
    matches.push(...(page.UserPools ?? []).filter((p) => p.Name === poolName));
  }
  return atMostOne(matches, (p) => p.Id, `user pools are named "${poolName}"`)?.Id;
}

async function findClientIds(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<Record<ClientRole, string | undefined>> {
  const listed: UserPoolClientDescription[] = [];
  for await (const page of paginateListUserPoolClients(
    { client },
    { UserPoolId: userPoolId, MaxResults: 60 },
  )) {
    listed.push(...(page.UserPoolClients ?? []));
  }
  const idOf = (role: ClientRole) => {
    const name = CLIENTS[role]('').ClientName;
    const matches = listed.filter((c) => c.ClientName === name);
    return atMostOne(matches, (c) => c.ClientId, `app clients of pool ${userPoolId} are named "${name}"`)
      ?.ClientId;
  };
  return { backend: idOf('backend'), frontend: idOf('frontend') };
}

const isNotFound = (error: unknown) => error instanceof Error && error.name === 'ResourceNotFoundException';

async function describeClient(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string | undefined,
): Promise<UserPoolClientType | undefined> {
  if (!clientId) return undefined;
  try {
    const { UserPoolClient } = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
    );
    return UserPoolClient;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function getGroup(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<GroupType | undefined> {
  try {
    const { GroupName } = adminGroupDefinition(userPoolId);
    const { Group } = await client.send(new GetGroupCommand({ UserPoolId: userPoolId, GroupName }));
    return Group;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function readPoolState(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientIds: Partial<Record<ClientRole, string>> = {},
): Promise<PoolState> {
  const [{ UserPool }, mfa, byName, adminGroup] = await Promise.all([
    client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })),
    client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: userPoolId })),
    clientIds.backend && clientIds.frontend ? clientIds : findClientIds(client, userPoolId),
    getGroup(client, userPoolId),
  ]);
  const [backend, frontend] = await Promise.all(
    CLIENT_ROLES.map((role) => describeClient(client, userPoolId, clientIds[role] ?? byName[role])),
  );
  return { pool: UserPool ?? { Id: userPoolId }, mfa, clients: { backend, frontend }, adminGroup };
}

/**
 * Compares an existing pool and its two clients with the design. The pool is `userPoolId`, else
 * the one named `poolName`; the clients are the given ids, else the ones named `backend` and `frontend`.
 */
export async function checkPool(
  client: CognitoIdentityProviderClient,
  target: CheckTarget,
): Promise<Difference[]> {
  return (await inspectPool(client, target)).differences;
}

/** checkPool's differences, and what works but will not hold up in production. */
export async function inspectPool(
  client: CognitoIdentityProviderClient,
  target: CheckTarget,
): Promise<CheckResult> {
  if (!target.userPoolId && target.poolName === undefined) {
    throw new ProvisioningError('checkPool needs a pool name or a pool id');
  }
  const userPoolId = target.userPoolId ?? (await findPoolId(client, target.poolName ?? ''));
  const missing: Difference[] = [
    {
      where: POOL,
      what: 'no such user pool',
      expected: target.userPoolId ?? target.poolName,
      actual: undefined,
      fixable: true,
    },
  ];
  if (!userPoolId) return { differences: missing, warnings: [] };
  try {
    const state = await readPoolState(client, userPoolId, {
      backend: target.backendClientId,
      frontend: target.frontendClientId,
    });
    return { differences: comparePool(state, target.ses), warnings: senderWarnings(state.pool) };
  } catch (error) {
    if (isNotFound(error)) return { differences: missing, warnings: [] };
    throw error;
  }
}
