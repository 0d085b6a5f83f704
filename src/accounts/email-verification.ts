import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * What `custom:preferred_username_verification` holds while an email change waits: the SHA-256 of
 * the link's token and when it expires, never the token itself. The token carries 192 random bits,
 * so a fast hash is enough: nothing can be guessed from it, and a leaked attribute opens nothing.
 */
export interface PendingVerification {
  expiresAt: Date;
  hash: Buffer;
}

const VERSION = 'v1';

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The attribute value for a fresh token. */
export function sealVerification(token: string, expiresAt: Date): string {
  return `${VERSION}:${expiresAt.getTime()}:${sha256(token).toString('base64url')}`;
}

/** Reads an attribute value; anything unreadable (empty, cleared, foreign) is no pending change. */
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
