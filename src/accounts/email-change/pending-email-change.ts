import { createHash, timingSafeEqual } from 'node:crypto';
import type { Account } from '../../cognito/account';

/**
 * A pending email change, the one place that knows its shape. While it waits, the account holds
 * the new address (`pendingEmail`) and a sealed secret (`pendingEmailSecret`); CognitoService keeps
 * them in the attributes `cognito/attributes.ts` names (the address is not a sign-in alias, so
 * nobody signs in with it), and writes them only through its pending-change methods.
 *
 * The sealed secret is the SHA-256 of the link's token and when it expires, never the token itself.
 * The token carries 192 random bits, so a fast hash is enough: nothing can be guessed from it, and a
 * leaked attribute opens nothing. A confirmation overwrites it with SPENT, which no token matches.
 */
export interface PendingVerification {
  expiresAt: Date;
  hash: Buffer;
}

export interface PendingEmailChange {
  email: string;
  verification: PendingVerification;
}

/** What the secret holds between a confirmation and the clean-up call after it. */
export const SPENT = 'spent';

const VERSION = 'v1';

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The sealed secret for a fresh token. */
export function sealVerification(token: string, expiresAt: Date): string {
  return `${VERSION}:${expiresAt.getTime()}:${sha256(token).toString('base64url')}`;
}

/** Reads a sealed secret; anything unreadable (empty, cleared, spent, foreign) is no pending change. */
export function openVerification(value: string | undefined): PendingVerification | undefined {
  const [version, expiresAt, hash, ...rest] = (value ?? '').split(':');
  if (version !== VERSION || rest.length > 0 || !/^\d+$/.test(expiresAt ?? '') || !hash) return undefined;
  const digest = Buffer.from(hash, 'base64url');
  return digest.length === 32 ? { expiresAt: new Date(Number(expiresAt)), hash: digest } : undefined;
}

/** True while the pending change has not expired. */
export const isLive = (pending: PendingVerification, now: Date): boolean => now < pending.expiresAt;

/** Constant-time comparison of the token's hash with the stored one. */
export function tokenMatches(pending: PendingVerification, token: string): boolean {
  return timingSafeEqual(pending.hash, sha256(token));
}

/** True when a confirmation spent the secret but its clean-up never ran. */
export const isSpent = (account: Pick<Account, 'pendingEmailSecret'>): boolean =>
  account.pendingEmailSecret === SPENT;

/** The account's pending email change, if one is waiting and has not expired. */
export function pendingEmailChange(
  account: Pick<Account, 'pendingEmail' | 'pendingEmailSecret'>,
  now: Date,
): PendingEmailChange | undefined {
  const email = account.pendingEmail;
  const verification = openVerification(account.pendingEmailSecret);
  if (!email || !verification || !isLive(verification, now)) return undefined;
  return { email, verification };
}
