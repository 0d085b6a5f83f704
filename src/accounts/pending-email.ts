import { VERIFICATION_ATTRIBUTE } from '../cognito/attributes';
import { isLive, openVerification, PendingVerification } from './email-verification';

/** Where a pending email change lives on the Cognito user. */
export const PENDING_EMAIL_ATTRIBUTE = 'preferred_username';
export const PENDING_ATTRIBUTES = [PENDING_EMAIL_ATTRIBUTE, VERIFICATION_ATTRIBUTE];

export interface PendingEmailChange {
  email: string;
  verification: PendingVerification;
}

/** The user's pending email change, if one is waiting and has not expired. */
export function pendingEmailChange(
  attributes: Record<string, string>,
  now: Date,
): PendingEmailChange | undefined {
  const email = attributes[PENDING_EMAIL_ATTRIBUTE];
  const verification = openVerification(attributes[VERIFICATION_ATTRIBUTE]);
  if (!email || !verification || !isLive(verification, now)) return undefined;
  return { email, verification };
}
