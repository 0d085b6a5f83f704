import {
  AddCustomAttributesCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type CognitoIdentityProviderClient,
  type UpdateUserPoolClientCommandInput,
  type UpdateUserPoolCommandInput,
  type UserPoolClientType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CLIENT_ROLES,
  CLIENTS,
  clientDifferences,
  requiredOAuthScopes,
  creationDifferences,
  formatDifference,
  groupDifferences,
  mfaDifferences,
  missingCustomAttributes,
  pick,
  poolSettingDifferences,
  remedy,
  schemaDifferences,
  senderWarnings,
  type ClientRole,
  type Difference,
} from './differences.ts';
import { findPoolId, readPoolState } from './pool-state.ts';
import { ProvisioningError } from './provisioning-error.ts';
import {
  adminGroupDefinition,
  mfaDefinition,
  userPoolDefinition,
  type SesSender,
} from './user-pool.definition.ts';

/**
 * Creates the user pool of `user-pool.definition.ts` on an account, or brings an existing one in line
 * with it. The ops tool behind `npm run provision`; the service never loads this folder.
 */

export interface ProvisionResult {
  userPoolId: string;
  backendClientId: string;
  frontendClientId: string;
  created: boolean;
  /** What provisioning changed. */
  fixed: Difference[];
  /** What it could not change, and what to do about it. */
  notes: string[];
  /** What works but will not hold up in production (Cognito's default sender). */
  warnings: string[];
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

async function createPool(
  client: CognitoIdentityProviderClient,
  poolName: string,
  ses: SesSender | undefined,
): Promise<string> {
  const { UserPool } = await client.send(new CreateUserPoolCommand(userPoolDefinition(poolName, ses)));
  if (!UserPool?.Id) throw new ProvisioningError(`CreateUserPool returned no id for pool "${poolName}"`);
  return UserPool.Id;
}

function poolUpdate(
  pool: UserPoolType,
  userPoolId: string,
  ses: SesSender | undefined,
): UpdateUserPoolCommandInput {
  const design = userPoolDefinition(pool.Name ?? '', ses);
  const current = pick(pool, POOL_UPDATABLE);
  return {
    ...current,
    ...pick(design, POOL_UPDATABLE),
    UserPoolId: userPoolId,
    // Described as `Name`, updated as `PoolName`: sent back so the update cannot touch the name.
    ...(pool.Name ? { PoolName: pool.Name } : {}),
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
      ...requiredOAuthScopes(role, current),
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
  { poolName, ses }: { poolName: string; ses?: SesSender },
): Promise<ProvisionResult> {
  const existingId = await findPoolId(client, poolName);
  const userPoolId = existingId ?? (await createPool(client, poolName, ses));
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
  await reconcile(poolSettingDifferences(state.pool, ses), () =>
    client.send(new UpdateUserPoolCommand(poolUpdate(state.pool, userPoolId, ses))),
  );
  // Before the clients: Cognito refuses a client that reads or writes an attribute the pool lacks.
  await reconcile(schemaDifferences(state.pool), () =>
    client.send(
      new AddCustomAttributesCommand({
        UserPoolId: userPoolId,
        CustomAttributes: missingCustomAttributes(state.pool),
      }),
    ),
  );
  await reconcile(mfaDifferences(state.mfa), () =>
    client.send(new SetUserPoolMfaConfigCommand(mfaDefinition(userPoolId))),
  );

  await reconcile(groupDifferences(state.adminGroup), () =>
    client.send(new CreateGroupCommand(adminGroupDefinition(userPoolId))),
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
    // Given an identity, the update just set it; else as the pool was read.
    warnings: ses ? [] : senderWarnings(state.pool),
  };
}
