import type {
  GetUserPoolMfaConfigCommandOutput,
  GroupType,
  SchemaAttributeType,
  UserPoolClientType,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CUSTOM_ATTRIBUTES } from '../cognito/attributes.ts';
import { CLIENT_ROLES, clientDifferences, type ClientRole } from './client-differences.ts';
import { differs, POOL, sameKeysAs, sorted, type Difference } from './difference.ts';
import {
  adminGroupDefinition,
  emailDefinition,
  mfaDefinition,
  userPoolDefinition,
  type SesSender,
} from './user-pool.definition.ts';

// Provisioning reads every comparison from here; the clients' and the shared pieces live beside it.
export {
  CLIENT_ROLES,
  CLIENTS,
  clientDifferences,
  requiredOAuthScopes,
  type ClientRole,
} from './client-differences.ts';
export { formatDifference, pick, POOL, remedy, type Difference } from './difference.ts';

/*
 * What differs between a pool as Cognito describes it and the design, and whether provisioning can
 * change it or only a new pool (or client) can. Pure: no SDK calls.
 */

type MfaState = Pick<GetUserPoolMfaConfigCommandOutput, 'MfaConfiguration' | 'SoftwareTokenMfaConfiguration'>;

/** What Cognito says about a pool: the input of every comparison. */
export interface PoolState {
  pool: UserPoolType;
  mfa: MfaState;
  clients: Record<ClientRole, UserPoolClientType | undefined>;
  /** The admin group, if the pool has it. */
  adminGroup: GroupType | undefined;
}

// The comparisons are pure; each covers the part of the pool that one API call fixes.

const poolDesign = () => userPoolDefinition('');

/**
 * Cognito's own mails (forgot-password codes) through the SES identity given to provisioning; without
 * one the design says nothing (see senderWarnings).
 */
function emailDifferences(pool: UserPoolType, ses: SesSender | undefined): Difference[] {
  if (!ses) return [];
  const design = emailDefinition(ses);
  return differs(
    POOL,
    "Cognito's own mails must go through the SES identity given (EmailConfiguration)",
    design,
    sameKeysAs(design, pool.EmailConfiguration),
  );
}

/** Said about a pool that works but will not hold up in production; no difference from the design. */
export function senderWarnings(pool: UserPoolType): string[] {
  if (pool.EmailConfiguration?.EmailSendingAccount === 'DEVELOPER') return [];
  return [
    'pool: Cognito sends its own mails (forgot-password codes) from its default sender, at most 50 a day per AWS account: ' +
      'set COGNITO_SES_SOURCE_ARN (and COGNITO_SES_FROM) to a verified SES identity and run npm run provision',
  ];
}

/** Settings fixed together by one UpdateUserPool. */
export function poolSettingDifferences(pool: UserPoolType, ses?: SesSender): Difference[] {
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
    ...emailDifferences(pool, ses),
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

/** The custom attributes: AddCustomAttributes adds missing ones; one of another shape cannot change. */
export function schemaDifferences(pool: UserPoolType): Difference[] {
  return CUSTOM_ATTRIBUTES.flatMap((name, index) => {
    const design = poolDesign().Schema[index];
    const actual = schemaAttribute(pool, name);
    if (!actual) {
      return [
        {
          where: POOL,
          what: `custom attribute ${name} is missing`,
          expected: attributeShape(design),
          actual: undefined,
          fixable: true,
        },
      ];
    }
    return differs(
      POOL,
      `custom attribute ${name} must be a mutable String of up to 2048 characters`,
      attributeShape(design),
      attributeShape(actual),
      false,
    );
  });
}

/** The custom attributes the pool lacks, as AddCustomAttributes takes them. */
export const missingCustomAttributes = (pool: UserPoolType) =>
  poolDesign().Schema.filter((attribute) => !schemaAttribute(pool, `custom:${attribute.Name}`));

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

/** The admin group: CreateGroup adds a missing one. */
export function groupDifferences(group: GroupType | undefined): Difference[] {
  const { GroupName } = adminGroupDefinition('');
  if (group) return [];
  return [
    {
      where: POOL,
      what: `group ${GroupName} is missing (its members may use the admin API)`,
      expected: GroupName,
      actual: undefined,
      fixable: true,
    },
  ];
}

/** Every difference that matters between a pool (with its clients) and the design. */
export function comparePool(state: PoolState, ses?: SesSender): Difference[] {
  return [
    ...creationDifferences(state.pool),
    ...poolSettingDifferences(state.pool, ses),
    ...schemaDifferences(state.pool),
    ...mfaDifferences(state.mfa),
    ...groupDifferences(state.adminGroup),
    ...CLIENT_ROLES.flatMap((role) => clientDifferences(role, state.clients[role])),
  ];
}
