import {
  AddCustomAttributesCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  paginateListUserPoolClients,
  paginateListUserPools,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type GetUserPoolMfaConfigCommandOutput,
  type SchemaAttributeType,
  type UpdateUserPoolClientCommandInput,
  type UpdateUserPoolCommandInput,
  type UserPoolClientDescription,
  type UserPoolClientType,
  type UserPoolDescriptionType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { isDeepStrictEqual } from 'node:util';
import {
  backendClientDefinition,
  frontendClientDefinition,
  mfaDefinition,
  userPoolDefinition,
  VERIFICATION_ATTRIBUTE,
} from './user-pool.definition';

/**
 * Creates the user pool of `user-pool.definition.ts` on an account, brings an existing one in line
 * with it, and compares one with it. The ops tool behind `npm run provision`; the service never
 * loads this module.
 */

/** One way in which a pool or app client differs from the design. */
export interface Difference {
  /** `pool`, `backend client` or `frontend client`. */
  where: string;
  what: string;
  expected: unknown;
  actual: unknown;
  /** Whether provisioning can fix it; if not, the pool or client must be created again. */
  fixable: boolean;
}

/** An expected failure with a message for the operator (no stack trace needed). */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

export interface ProvisionResult {
  userPoolId: string;
  backendClientId: string;
  frontendClientId: string;
  created: boolean;
  /** What provisioning changed. */
  fixed: Difference[];
  /** What it could not change, and what to do about it. */
  notes: string[];
}

export interface CheckTarget {
  /** Found by name when no `userPoolId` is given. */
  poolName?: string;
  userPoolId?: string;
  /** Found by `ClientName` when not given. */
  backendClientId?: string;
  frontendClientId?: string;
}

const CLIENTS = { backend: backendClientDefinition, frontend: frontendClientDefinition };
type ClientRole = keyof typeof CLIENTS;
const CLIENT_ROLES = Object.keys(CLIENTS) as ClientRole[];

type MfaState = Pick<GetUserPoolMfaConfigCommandOutput, 'MfaConfiguration' | 'SoftwareTokenMfaConfiguration'>;

/** What Cognito says about a pool: the input of every comparison. */
export interface PoolState {
  pool: UserPoolType;
  mfa: MfaState;
  clients: Record<ClientRole, UserPoolClientType | undefined>;
}

/**
 * UpdateUserPool and UpdateUserPoolClient reset every setting they are not given, so an update
 * sends back everything the pool or client has (the AWS guide's read-modify-write), with the design
 * on top. These are the settings both DescribeX returns and UpdateX accepts.
 */
const POOL_UPDATABLE = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'DcrConfiguration',
  'AccountRecoverySetting',
  'UserPoolTier',
  'KeyConfiguration',
  'IssuerConfiguration',
  'AcrConfiguration',
] as const satisfies readonly (keyof UpdateUserPoolCommandInput & keyof UserPoolType)[];

const CLIENT_UPDATABLE = [
  'ClientName',
  'RefreshTokenValidity',
  'AccessTokenValidity',
  'IdTokenValidity',
  'TokenValidityUnits',
  'ReadAttributes',
  'WriteAttributes',
  'ExplicitAuthFlows',
  'SupportedIdentityProviders',
  'CallbackURLs',
  'LogoutURLs',
  'DefaultRedirectURI',
  'AllowedOAuthFlows',
  'AllowedOAuthScopes',
  'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration',
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'AuthSessionValidity',
  'RefreshTokenRotation',
] as const satisfies readonly (keyof UpdateUserPoolClientCommandInput & keyof UserPoolClientType)[];

/** The entries of `source` under `keys` that are set. */
function pick<T extends object, K extends PropertyKey>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, Extract<K, keyof T>>> {
  const entries = Object.entries(source).filter(
    ([key, value]) => value !== undefined && (keys as readonly PropertyKey[]).includes(key),
  );
  return Object.fromEntries(entries) as Partial<Pick<T, Extract<K, keyof T>>>;
}

/** Only the keys the design sets, so settings the design says nothing about never count as differences. */
const sameKeysAs = (design: object, actual: object | undefined) =>
  actual && pick(actual, Object.keys(design));

const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

function differs(
  where: string,
  what: string,
  expected: unknown,
  actual: unknown,
  fixable = true,
): Difference[] {
  return isDeepStrictEqual(expected, actual) ? [] : [{ where, what, expected, actual, fixable }];
}

// The comparisons are pure; each covers the part of the pool that one API call fixes.

const POOL = 'pool';
const poolDesign = () => userPoolDefinition('');

/** Settings fixed together by one UpdateUserPool. */
export function poolSettingDifferences(pool: UserPoolType): Difference[] {
  const design = poolDesign();
  const recovery = [...(pool.AccountRecoverySetting?.RecoveryMechanisms ?? [])]
    .sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0))
    .map(({ Name, Priority }) => ({ Name, Priority }));
  return [
    ...differs(
      POOL,
      'self sign-up must be off: only the API creates users (AdminCreateUserConfig.AllowAdminCreateUserOnly)',
      design.AdminCreateUserConfig.AllowAdminCreateUserOnly,
      pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
    ),
    ...differs(
      POOL,
      'password policy (Policies.PasswordPolicy)',
      design.Policies.PasswordPolicy,
      sameKeysAs(design.Policies.PasswordPolicy, pool.Policies?.PasswordPolicy),
    ),
    ...differs(
      POOL,
      'devices must always be remembered (DeviceConfiguration)',
      design.DeviceConfiguration,
      sameKeysAs(design.DeviceConfiguration, pool.DeviceConfiguration),
    ),
    ...differs(
      POOL,
      'password recovery by verified email only (AccountRecoverySetting)',
      design.AccountRecoverySetting.RecoveryMechanisms,
      recovery,
    ),
    ...differs(
      POOL,
      'Cognito must verify no attribute itself: the service mails its own links (AutoVerifiedAttributes)',
      design.AutoVerifiedAttributes,
      sorted(pool.AutoVerifiedAttributes),
    ),
    ...differs(
      POOL,
      'deletion protection (DeletionProtection)',
      design.DeletionProtection,
      pool.DeletionProtection ?? 'INACTIVE',
    ),
  ];
}

/** Settings Cognito fixes when the pool is created: only a new pool changes them. */
export function creationDifferences(pool: UserPoolType): Difference[] {
  const design = poolDesign();
  return [
    ...differs(
      POOL,
      'email must be a sign-in alias, not a username attribute (UsernameAttributes)',
      [],
      sorted(pool.UsernameAttributes),
      false,
    ),
    ...differs(
      POOL,
      'sign-in aliases (AliasAttributes)',
      design.AliasAttributes,
      sorted(pool.AliasAttributes),
      false,
    ),
    // A pool created without UsernameConfiguration is case-sensitive (Cognito's default).
    ...differs(
      POOL,
      'usernames must be case-insensitive (UsernameConfiguration.CaseSensitive)',
      design.UsernameConfiguration.CaseSensitive,
      pool.UsernameConfiguration?.CaseSensitive ?? true,
      false,
    ),
    ...differs(
      POOL,
      'email must not be a required attribute (the API creates users before they have one)',
      false,
      schemaAttribute(pool, 'email')?.Required ?? false,
      false,
    ),
  ];
}

/** Cognito names custom attributes `custom:x` in DescribeUserPool; accept a bare `x` as well. */
function schemaAttribute(pool: UserPoolType, name: string): SchemaAttributeType | undefined {
  return pool.SchemaAttributes?.find((a) => a.Name === name || `custom:${a.Name}` === name);
}

const attributeShape = (a: SchemaAttributeType) => ({
  AttributeDataType: a.AttributeDataType,
  Mutable: a.Mutable,
  MaxLength: a.StringAttributeConstraints?.MaxLength,
});

/** The custom attribute: AddCustomAttributes adds a missing one; one of another shape cannot change. */
export function schemaDifferences(pool: UserPoolType): Difference[] {
  const [design] = poolDesign().Schema;
  const actual = schemaAttribute(pool, VERIFICATION_ATTRIBUTE);
  if (!actual) {
    return [
      {
        where: POOL,
        what: `custom attribute ${VERIFICATION_ATTRIBUTE} is missing`,
        expected: attributeShape(design),
        actual: undefined,
        fixable: true,
      },
    ];
  }
  return differs(
    POOL,
    `custom attribute ${VERIFICATION_ATTRIBUTE} must be a mutable String of up to 2048 characters`,
    attributeShape(design),
    attributeShape(actual),
    false,
  );
}

/** Fixed by one SetUserPoolMfaConfig. */
export function mfaDifferences(mfa: MfaState): Difference[] {
  const design = mfaDefinition('');
  return [
    ...differs(
      POOL,
      'MFA must be optional (MfaConfiguration)',
      design.MfaConfiguration,
      mfa.MfaConfiguration ?? 'OFF',
    ),
    ...differs(
      POOL,
      'MFA by authenticator app must be on (SoftwareTokenMfaConfiguration.Enabled)',
      design.SoftwareTokenMfaConfiguration.Enabled,
      mfa.SoftwareTokenMfaConfiguration?.Enabled ?? false,
    ),
  ];
}

/** Entries one list has and the other has not, as one difference each way. */
function listDifferences(
  where: string,
  phrases: { extra: string; missing: string },
  expected: readonly string[],
  actual: readonly string[],
): Difference[] {
  const extra = actual.filter((item) => !expected.includes(item));
  const missing = expected.filter((item) => !actual.includes(item));
  const difference = (phrase: string, items: string[]): Difference[] =>
    items.length === 0
      ? []
      : [
          {
            where,
            what: `${phrase} ${items.join(', ')}`,
            expected: sorted(expected),
            actual: sorted(actual),
            fixable: true,
          },
        ];
  return [...difference(phrases.extra, extra), ...difference(phrases.missing, missing)];
}

function attributeAccessDifferences(
  where: string,
  verb: 'read' | 'write',
  expected: readonly string[],
  actual: readonly string[] | undefined,
): Difference[] {
  // Cognito's documented default for a client without a list: every standard attribute (email too).
  if (!actual?.length) {
    return differs(
      where,
      `may ${verb} every standard attribute (no list set)`,
      sorted(expected),
      'all standard attributes',
    );
  }
  return listDifferences(where, { extra: `may ${verb}`, missing: `cannot ${verb}` }, expected, actual);
}

/** One app client; a missing one is created, a secret cannot be removed, the rest one update fixes. */
export function clientDifferences(role: ClientRole, client: UserPoolClientType | undefined): Difference[] {
  const where = `${role} client`;
  const design = CLIENTS[role]('');
  if (!client) {
    return [
      { where, what: 'no such app client', expected: design.ClientName, actual: undefined, fixable: true },
    ];
  }
  return [
    ...differs(
      where,
      'must have no client secret (GenerateSecret)',
      false,
      client.ClientSecret !== undefined,
      false,
    ),
    ...listDifferences(
      where,
      { extra: 'allows auth flows beyond the design:', missing: 'lacks auth flows:' },
      design.ExplicitAuthFlows,
      client.ExplicitAuthFlows ?? [],
    ),
    ...attributeAccessDifferences(where, 'read', design.ReadAttributes, client.ReadAttributes),
    ...attributeAccessDifferences(where, 'write', design.WriteAttributes, client.WriteAttributes),
    ...differs(
      where,
      'must not reveal whether a user exists (PreventUserExistenceErrors)',
      design.PreventUserExistenceErrors,
      client.PreventUserExistenceErrors ?? 'LEGACY',
    ),
    ...differs(
      where,
      'token revocation (EnableTokenRevocation)',
      true,
      client.EnableTokenRevocation ?? false,
    ),
  ];
}

/** Every difference that matters between a pool (with its clients) and the design. */
export function comparePool(state: PoolState): Difference[] {
  return [
    ...creationDifferences(state.pool),
    ...poolSettingDifferences(state.pool),
    ...schemaDifferences(state.pool),
    ...mfaDifferences(state.mfa),
    ...CLIENT_ROLES.flatMap((role) => clientDifferences(role, state.clients[role])),
  ];
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

export function formatDifference(d: Difference): string {
  return `${d.where}: ${d.what} (expected ${show(d.expected)}, found ${show(d.actual)})`;
}

/** What an operator does about a difference. */
export function remedy(d: Difference): string {
  if (d.fixable) return 'npm run provision fixes this';
  if (d.where === POOL) {
    return 'cannot change once the pool exists: create a new pool under another name and move the users to it';
  }
  return 'cannot change once the client exists: delete this app client and provision again (its id changes)';
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

async function findPoolId(
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

async function readPoolState(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientIds: Partial<Record<ClientRole, string>> = {},
): Promise<PoolState> {
  const [{ UserPool }, mfa, byName] = await Promise.all([
    client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })),
    client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: userPoolId })),
    clientIds.backend && clientIds.frontend ? clientIds : findClientIds(client, userPoolId),
  ]);
  const [backend, frontend] = await Promise.all(
    CLIENT_ROLES.map((role) => describeClient(client, userPoolId, clientIds[role] ?? byName[role])),
  );
  return { pool: UserPool ?? { Id: userPoolId }, mfa, clients: { backend, frontend } };
}

/**
 * Compares an existing pool and its two clients with the design. The pool is `userPoolId`, else
 * the one named `poolName`; the clients are the given ids, else the ones named `backend` and `frontend`.
 */
export async function checkPool(
  client: CognitoIdentityProviderClient,
  target: CheckTarget,
): Promise<Difference[]> {
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
  if (!userPoolId) return missing;
  try {
    const state = await readPoolState(client, userPoolId, {
      backend: target.backendClientId,
      frontend: target.frontendClientId,
    });
    return comparePool(state);
  } catch (error) {
    if (isNotFound(error)) return missing;
    throw error;
  }
}

async function createPool(client: CognitoIdentityProviderClient, poolName: string): Promise<string> {
  const { UserPool } = await client.send(new CreateUserPoolCommand(userPoolDefinition(poolName)));
  if (!UserPool?.Id) throw new ProvisioningError(`CreateUserPool returned no id for pool "${poolName}"`);
  return UserPool.Id;
}

function poolUpdate(pool: UserPoolType, userPoolId: string): UpdateUserPoolCommandInput {
  const design = userPoolDefinition(pool.Name ?? '');
  const current = pick(pool, POOL_UPDATABLE);
  return {
    ...current,
    ...pick(design, POOL_UPDATABLE),
    UserPoolId: userPoolId,
    // MFA is set by SetUserPoolMfaConfig afterwards; here the pool keeps what it has.
    MfaConfiguration: pool.MfaConfiguration,
    // Merged one level down too, so what the design does not mention (sign-in policy, password history) stays.
    Policies: {
      ...current.Policies,
      PasswordPolicy: { ...current.Policies?.PasswordPolicy, ...design.Policies.PasswordPolicy },
    },
    AdminCreateUserConfig: {
      ...current.AdminCreateUserConfig,
      ...design.AdminCreateUserConfig,
      // Deprecated, and Cognito refuses it next to PasswordPolicy.TemporaryPasswordValidityDays.
      UnusedAccountValidityDays: undefined,
    },
    // With no attribute verified by Cognito, none can wait for Cognito's verification before updating.
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
  };
}

async function upsertClient(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  role: ClientRole,
  current: UserPoolClientType | undefined,
): Promise<string | undefined> {
  const design = CLIENTS[role](userPoolId);
  if (!current) {
    const { UserPoolClient } = await client.send(new CreateUserPoolClientCommand(design));
    return UserPoolClient?.ClientId;
  }
  await client.send(
    new UpdateUserPoolClientCommand({
      ...pick(current, CLIENT_UPDATABLE),
      ...pick(design, CLIENT_UPDATABLE),
      UserPoolId: userPoolId,
      ClientId: current.ClientId,
    }),
  );
  return current.ClientId;
}

/**
 * Makes the pool named `poolName` what the design says: creates it and its clients if absent,
 * otherwise updates what Cognito lets change, and returns notes for what it does not.
 */
export async function provisionPool(
  client: CognitoIdentityProviderClient,
  { poolName }: { poolName: string },
): Promise<ProvisionResult> {
  const existingId = await findPoolId(client, poolName);
  const userPoolId = existingId ?? (await createPool(client, poolName));
  const state = await readPoolState(client, userPoolId);
  const fixed: Difference[] = [];
  const notes: string[] = [];

  /** Notes the differences provisioning cannot fix; runs `fix` once if any of the others remain. */
  const reconcile = async (differences: Difference[], fix?: () => Promise<unknown>) => {
    notes.push(...differences.filter((d) => !d.fixable).map((d) => `${formatDifference(d)}: ${remedy(d)}`));
    const fixable = differences.filter((d) => d.fixable);
    if (fixable.length === 0 || !fix) return;
    await fix();
    fixed.push(...fixable);
  };

  await reconcile(creationDifferences(state.pool));
  await reconcile(poolSettingDifferences(state.pool), () =>
    client.send(new UpdateUserPoolCommand(poolUpdate(state.pool, userPoolId))),
  );
  // Before the clients: Cognito refuses a client that reads or writes an attribute the pool lacks.
  await reconcile(schemaDifferences(state.pool), () =>
    client.send(
      new AddCustomAttributesCommand({ UserPoolId: userPoolId, CustomAttributes: poolDesign().Schema }),
    ),
  );
  await reconcile(mfaDifferences(state.mfa), () =>
    client.send(new SetUserPoolMfaConfigCommand(mfaDefinition(userPoolId))),
  );

  const clientIds: Partial<Record<ClientRole, string>> = {};
  for (const role of CLIENT_ROLES) {
    const current = state.clients[role];
    clientIds[role] = current?.ClientId;
    await reconcile(clientDifferences(role, current), async () => {
      clientIds[role] = await upsertClient(client, userPoolId, role, current);
    });
  }
  if (!clientIds.backend || !clientIds.frontend) {
    throw new ProvisioningError(`CreateUserPoolClient returned no client id in pool ${userPoolId}`);
  }
  return {
    userPoolId,
    backendClientId: clientIds.backend,
    frontendClientId: clientIds.frontend,
    created: !existingId,
    fixed,
    notes,
  };
}
