import type { AttributeType, UserType } from '@aws-sdk/client-cognito-identity-provider';
import {
  ACTIVATION_ATTRIBUTE,
  EMAIL_RESTORE_ATTRIBUTE,
  PASSWORD_RESET_ATTRIBUTE,
  PENDING_EMAIL_ATTRIBUTE,
  SUB_ATTRIBUTE,
  VERIFICATION_ATTRIBUTE,
} from './attributes';

/**
 * - `disabled`: an operator disabled the Cognito user; nothing of ours acts for it.
 * - `invited`: created by signup or an admin, activation link not followed yet (Cognito's
 *   FORCE_CHANGE_PASSWORD).
 * - `active`: everything else.
 */
export type AccountState = 'invited' | 'active' | 'disabled';

/** An account as this service sees it: no AWS types or Cognito spellings leave `cognito/`. */
export interface Account {
  /** The Cognito username (a UUID). */
  username: string;
  email?: string;
  emailVerified: boolean;
  locale?: string;
  state: AccountState;
  createdAt: Date;
  updatedAt: Date;
  /** A new address waiting for its confirmation link to be followed (stored as it was written). */
  pendingEmail?: string;
  /** The sealed secret of the pending change, opaque here: email-change/ owns its format. */
  pendingEmailSecret?: string;
  /** Seals of an invited account's live activation links, opaque here. */
  activationSecrets?: string;
  /** The user's immutable id (`sub`): what revocation marks are keyed by. */
  sub?: string;
  /** The seal of the live password-reset link, opaque here: password/ owns its format. */
  passwordResetSecret?: string;
  /** The "this wasn't me" restore record of the last email change, opaque here. */
  emailRestore?: string;
  /**
   * Whether an authenticator app (TOTP) is an enabled second factor; undefined when the read did not
   * say (ListUsers returns no MFA settings, only AdminGetUser does).
   */
  totpMfa?: boolean;
}

/** The attributes an invited account is created with. */
export interface NewAccount {
  email: string;
  locale?: string;
}

/** Standard attributes, as Cognito names them. */
export const EMAIL = 'email';
export const EMAIL_VERIFIED = 'email_verified';
export const LOCALE = 'locale';
/** How Cognito writes a true boolean attribute. */
export const TRUE = 'true';

/** The attributes a pending email change occupies. */
export const PENDING_ATTRIBUTES = [PENDING_EMAIL_ATTRIBUTE, VERIFICATION_ATTRIBUTE];

/** Cognito's status of a user created by AdminCreateUser who has not set a password yet. */
const INVITED_STATUS = 'FORCE_CHANGE_PASSWORD';

export const toRecord = (attributes: AttributeType[] = []): Record<string, string> =>
  Object.fromEntries(attributes.map(({ Name, Value }) => [Name ?? '', Value ?? '']));

export const toAttributes = (record: Record<string, string>): AttributeType[] =>
  Object.entries(record).map(([Name, Value]) => ({ Name, Value }));

function stateOf(user: UserType): AccountState {
  if (user.Enabled === false) return 'disabled';
  return user.UserStatus === INVITED_STATUS ? 'invited' : 'active';
}

/** An attribute's value when the user has it (even empty), else undefined. */
const optional = (attributes: Record<string, string>, name: string): string | undefined =>
  name in attributes ? attributes[name] : undefined;

/** Cognito's name of the authenticator-app factor in a user's MFA settings. */
const SOFTWARE_TOKEN_MFA = 'SOFTWARE_TOKEN_MFA';

/** The account a Cognito user (from ListUsers, AdminCreateUser or AdminGetUser) stands for. */
export function toAccount(user: UserType & { UserMFASettingList?: string[] }): Account {
  const attributes = toRecord(user.Attributes);
  return {
    username: user.Username ?? '',
    email: optional(attributes, EMAIL),
    emailVerified: attributes[EMAIL_VERIFIED] === TRUE,
    locale: optional(attributes, LOCALE),
    state: stateOf(user),
    createdAt: user.UserCreateDate ?? new Date(0),
    updatedAt: user.UserLastModifiedDate ?? user.UserCreateDate ?? new Date(0),
    pendingEmail: optional(attributes, PENDING_EMAIL_ATTRIBUTE),
    pendingEmailSecret: optional(attributes, VERIFICATION_ATTRIBUTE),
    activationSecrets: optional(attributes, ACTIVATION_ATTRIBUTE),
    sub: optional(attributes, SUB_ATTRIBUTE),
    passwordResetSecret: optional(attributes, PASSWORD_RESET_ATTRIBUTE),
    emailRestore: optional(attributes, EMAIL_RESTORE_ATTRIBUTE),
    totpMfa: user.UserMFASettingList?.includes(SOFTWARE_TOKEN_MFA),
  };
}
