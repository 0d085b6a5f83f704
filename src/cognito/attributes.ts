/**
 * The user attributes this service reads and writes, by what they mean to it. The rest of the code
 * names attributes only through these constants; the pool definition creates the custom ones.
 */

/** The standard attribute where a new address waits until its link is followed (not a sign-in alias). */
export const PENDING_EMAIL_ATTRIBUTE = 'preferred_username';

/** Name of the custom attribute that holds the hash of a pending email change's secret. */
export const VERIFICATION_ATTRIBUTE = 'custom:preferred_username_verification';

/**
 * Seals of the live activation links of an invited account (several: see accounts/link-secret.ts).
 * Custom attribute names are at most 20 characters after `custom:` (CustomAttributeNameType).
 */
export const ACTIVATION_ATTRIBUTE = 'custom:activation';
