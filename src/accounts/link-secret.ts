import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * What a link's token leaves on the account: a seal, never the token. A seal is the SHA-256 of the
 * token together with what the link is for (the username, and for an email change the new address),
 * and when it expires. A link for one account or one address never opens another, and a stored seal
 * whose bound address was changed behind our back matches nothing.
 *
 * An attribute holds one seal or several (activation keeps a few live links, so a resend by a
 * stranger never breaks the link the owner holds), space-separated, each `v2:<tag>:<expiry>:<hash>`.
 * The tag names the job that made it, so a job run twice replaces its own seal instead of adding
 * another. Tokens carry 192 random bits: a fast hash suffices, and a leaked attribute opens nothing.
 */
export interface Seal {
  tag: string;
  expiresAt: Date;
  hash: Buffer;
}

const VERSION = 'v2';
const NO_TAG = '-';

const digest = (token: string, binding: readonly string[]): Buffer =>
  createHash('sha256')
    .update([token, ...binding].join('\n'), 'utf8')
    .digest();

/** The seal of a fresh token, bound to `binding` (e.g. `[username, newEmail]`). */
export function sealToken(token: string, binding: readonly string[], expiresAt: Date, tag = NO_TAG): string {
  return `${VERSION}:${tag}:${expiresAt.getTime()}:${digest(token, binding).toString('base64url')}`;
}

/** Every readable seal of an attribute value; anything else (empty, spent, foreign) reads as none. */
export function openSeals(value: string | undefined): Seal[] {
  return (value ?? '')
    .split(' ')
    .map((part) => part.split(':'))
    .filter(
      ([version, tag, expiry, hash, ...rest]) =>
        version === VERSION && tag && /^\d+$/.test(expiry ?? '') && hash && rest.length === 0,
    )
    .map(([, tag, expiry, hash]) => ({
      tag: tag,
      expiresAt: new Date(Number(expiry)),
      hash: Buffer.from(hash, 'base64url'),
    }))
    .filter((seal) => seal.hash.length === 32);
}

/**
 * The live seal that the token opens for `binding`, if any. Every live seal is compared, in
 * constant time each, so the time taken does not tell which one matched.
 */
export function matchSeal(
  value: string | undefined,
  token: string,
  binding: readonly string[],
  now: Date,
): Seal | undefined {
  const wanted = digest(token, binding);
  let found: Seal | undefined;
  for (const seal of openSeals(value)) {
    if (timingSafeEqual(seal.hash, wanted) && now < seal.expiresAt) found = seal;
  }
  return found;
}

/**
 * The attribute value with `seal` added: expired seals and one with the same tag dropped, the
 * newest `keep` kept (an attribute holds at most 2048 characters: about 28 seals).
 */
export function addSeal(value: string | undefined, seal: string, now: Date, keep: number): string {
  const [added] = openSeals(seal);
  const others = (value ?? '').split(' ').filter((part) => {
    const [parsed] = openSeals(part);
    return parsed && parsed.expiresAt > now && parsed.tag !== added?.tag;
  });
  return [...others.slice(-(keep - 1)), seal].join(' ');
}

/** When the last live seal expires: how long the account's newest link works. */
export function lastExpiry(value: string | undefined): Date | undefined {
  const times = openSeals(value).map((seal) => seal.expiresAt.getTime());
  return times.length ? new Date(Math.max(...times)) : undefined;
}
