import type {
  CreateGroupCommandInput,
  CreateUserPoolClientCommandInput,
  CreateUserPoolCommandInput,
  SetUserPoolMfaConfigCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { CUSTOM_ATTRIBUTES } from '../cognito/attributes.ts';

/**
 * The user pool as the design wants it, as data: the e2e harness creates its pool from this, and
 * provisioning applies it to a real account. Change the design here, nowhere else.
 */

export const PASSWORD_POLICY = {
  MinimumLength: 12,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  /** Activation links carry the temporary password, so this is also how long a link lives. */
  TemporaryPasswordValidityDays: 7,
} as const;

/**
 * An SES identity for the mails Cognito sends itself (its forgot-password codes): without one Cognito
 * sends them from its own account, at most 50 a day per AWS account (COGNITO_DEFAULT).
 */
export interface SesSender {
  /** ARN of a verified SES identity (address or domain) Cognito may send from. */
  sourceArn: string;
  /** `no-reply@example.com` or `Example <no-reply@example.com>`; the identity's address when unset. */
  from?: string;
}

/** Cognito's own mails through the given SES identity (EmailSendingAccount DEVELOPER). */
export const emailDefinition = ({ sourceArn, from }: SesSender) => ({
  EmailSendingAccount: 'DEVELOPER' as const,
  SourceArn: sourceArn,
  ...(from ? { From: from } : {}),
});

export const userPoolDefinition = (poolName: string, ses?: SesSender) =>
  ({
    PoolName: poolName,
    // Invite-only: nobody signs up through Cognito itself, only our API creates users.
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    // Email is a sign-in alias (not the username, not required): the username stays a UUID, so
    // the email can change without the account changing identity.
    AliasAttributes: ['email'],
    UsernameConfiguration: { CaseSensitive: false },
    // We send our own verification mail and set email_verified ourselves.
    AutoVerifiedAttributes: [],
    Policies: { PasswordPolicy: { ...PASSWORD_POLICY } },
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    Schema: CUSTOM_ATTRIBUTES.map((name) => ({
      Name: name.replace(/^custom:/, ''),
      AttributeDataType: 'String' as const,
      Mutable: true,
      Required: false,
      StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' },
    })),
    DeletionProtection: 'ACTIVE',
    ...(ses ? { EmailConfiguration: emailDefinition(ses) } : {}),
  }) satisfies CreateUserPoolCommandInput;

/** MFA is optional, by authenticator app; applied after the pool exists (a separate API call). */
export const mfaDefinition = (userPoolId: string) =>
  ({
    UserPoolId: userPoolId,
    MfaConfiguration: 'OPTIONAL',
    SoftwareTokenMfaConfiguration: { Enabled: true },
  }) satisfies SetUserPoolMfaConfigCommandInput;

const STANDARD_ATTRIBUTES = [
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
];
const VERIFIED_FLAGS = ['email_verified', 'phone_number_verified'];

/** The API's client: admin password auth only, reads and writes every attribute. */
export const backendClientDefinition = (userPoolId: string) =>
  ({
    UserPoolId: userPoolId,
    ClientName: 'backend',
    GenerateSecret: false,
    ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    ReadAttributes: [...STANDARD_ATTRIBUTES, ...CUSTOM_ATTRIBUTES],
    WriteAttributes: [
      ...STANDARD_ATTRIBUTES.filter((a) => !VERIFIED_FLAGS.includes(a)),
      ...CUSTOM_ATTRIBUTES,
    ],
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
  }) satisfies CreateUserPoolClientCommandInput;

/**
 * The browser's client: reads only what the app shows, writes only locale (Cognito cannot make a
 * client write nothing). It must never read or write the email-change secret, nor write email.
 * USER_PASSWORD_AUTH is allowed for frontends without an SRP library; the password goes to Cognito
 * over TLS, never to this API.
 */
export const frontendClientDefinition = (userPoolId: string) =>
  ({
    UserPoolId: userPoolId,
    ClientName: 'frontend',
    GenerateSecret: false,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    ReadAttributes: ['email', 'email_verified', 'locale'],
    WriteAttributes: ['locale'],
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
  }) satisfies CreateUserPoolClientCommandInput;

/**
 * Operators: members may use the admin API (`/admin`). The service's ADMIN_GROUP names this group
 * (`admin` by default); with another name, create that group too.
 */
export const adminGroupDefinition = (userPoolId: string) =>
  ({
    UserPoolId: userPoolId,
    GroupName: 'admin',
    Description: 'Operators: may use the admin API of cognito-accounts (/admin)',
  }) satisfies CreateGroupCommandInput;
