/**
 * The user attributes this service reads and writes, by what they mean to it. The rest of the code
 * names attributes only through these constants; the pool definition creates the custom ones.
 */

/** The standard attribute where a new address waits until its link is followed (not a sign-in alias). */
export const PENDING_EMAIL_ATTRIBUTE = 'preferred_username';

/**
 * Name of the custom attribute that holds the hash of a pending email change's secret. Short on
 * purpose: Cognito refuses longer names (API reference: `AttributeType.Name` at most 32 characters in
 * requests, `CustomAttributeNameType` at most 20 after `custom:` when the pool is created); moto does
 * not check, so the earlier `custom:preferred_username_verification` (38) only ever worked there.
 */
export const VERIFICATION_ATTRIBUTE = 'custom:email_change';

/**
 * Seals of the live activation links of an invited account (several: see accounts/link-secret.ts).
 * Custom attribute names are at most 20 characters after `custom:` (CustomAttributeNameType).
 */
export const ACTIVATION_ATTRIBUTE = 'custom:activation';

/** The seal of an active account's live password-reset link (one at a time). */
export const PASSWORD_RESET_ATTRIBUTE = 'custom:password_reset';

/**
 * After an email change: the old address and the seal of the "this wasn't me" link mailed to it
 * (accounts/email-change/email-restore.ts owns the format).
 */
export const EMAIL_RESTORE_ATTRIBUTE = 'custom:email_restore';

/** The immutable id Cognito gives every user (the access token's `sub`). */
export const SUB_ATTRIBUTE = 'sub';

/** Every custom attribute the service uses: the pool definition creates each (String, mutable, 2048). */
export const CUSTOM_ATTRIBUTES = [
  VERIFICATION_ATTRIBUTE,
  ACTIVATION_ATTRIBUTE,
  PASSWORD_RESET_ATTRIBUTE,
  EMAIL_RESTORE_ATTRIBUTE,
];
