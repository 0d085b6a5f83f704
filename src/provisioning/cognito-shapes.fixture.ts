import type { UserPoolClientType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { CUSTOM_ATTRIBUTES, VERIFICATION_ATTRIBUTE } from '../cognito/attributes.ts';
import type { PoolState } from './differences.ts';
import { backendClientDefinition, frontendClientDefinition } from './user-pool.definition.ts';

/*
 * Shapes real Cognito returns and moto does not, so the e2e tests cannot show them: extra settings
 * the design says nothing about, absent lists that mean "everything", and bare custom names.
 */

export const customAttribute = {
  Name: VERIFICATION_ATTRIBUTE,
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable: true,
  Required: false,
  StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' },
} as const;

/** A pool as real Cognito describes one that provisioning made. */
export const cognitoPool = (): UserPoolType => ({
  Id: 'eu-west-1_AbCdEf123',
  Name: 'cognito-accounts',
  Policies: {
    PasswordPolicy: {
      MinimumLength: 12,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      PasswordHistorySize: 0,
      TemporaryPasswordValidityDays: 7,
    },
    SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
  },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: {},
  SchemaAttributes: [
    { Name: 'sub', AttributeDataType: 'String', Mutable: false, Required: true },
    { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: false },
    ...CUSTOM_ATTRIBUTES.map((Name) => ({ ...customAttribute, Name })),
  ],
  AliasAttributes: ['email'],
  UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
  MfaConfiguration: 'OPTIONAL',
  DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false },
  EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7 },
  UsernameConfiguration: { CaseSensitive: false },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Priority: 1, Name: 'verified_email' }] },
  UserPoolTier: 'ESSENTIALS',
});

/** An app client as real Cognito describes one that provisioning made (DescribeX has no GenerateSecret). */
export const cognitoClient = (
  definition: typeof frontendClientDefinition | typeof backendClientDefinition,
): UserPoolClientType => {
  const design = definition('eu-west-1_AbCdEf123');
  return {
    ...design,
    ClientId: `${design.ClientName}0123456789`,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { RefreshToken: 'days' },
    AllowedOAuthFlowsUserPoolClient: false,
    AuthSessionValidity: 3,
  };
};

export const cognitoState = (): PoolState => ({
  pool: cognitoPool(),
  mfa: { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } },
  clients: {
    backend: cognitoClient(backendClientDefinition),
    frontend: cognitoClient(frontendClientDefinition),
  },
  adminGroup: { GroupName: 'admin', UserPoolId: 'eu-west-1_AbCdEf123' },
});
