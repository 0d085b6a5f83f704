import type { Account } from '../../cognito/account';
import { matchSeal, openSeals, sealToken } from '../link-secret';

/**
 * The "this wasn't me" links of a chain of email changes, the one place that knows their stored
 * shape: `<seal> [<seal> …] <origin>`. The origin is the address the account had before the first
 * change of the chain; each confirmed change adds a seal for the link mailed to the address it left,
 * and every seal (link-secret.ts) binds its token to the username and to the origin. So any link of
 * the chain, also one mailed to an intermediate address, restores the origin and nothing else, and
 * a second change never takes the first link away. The chain lasts while one of its links is live; a
 * change after that starts a new one. Addresses never contain a space (validation.ts allows printable
 * ASCII only). A restore overwrites the record with SPENT in the same call that puts the address back.
 */
export const RESTORE_SPENT = 'spent';

/**
 * Seals kept per chain: 16 of ~75 characters plus an address of at most 254 stay under Cognito's
 * 2048-character limit for a custom attribute (CustomAttributeType `StringAttributeConstraints`).
 * Past that the oldest but the first go: the first is the link the origin's owner holds.
 */
const MAX_SEALS = 16;

interface Chain {
  seals: string[];
  origin: string;
}

function readChain(record: string | undefined): Chain | undefined {
  const parts = (record ?? '').split(' ');
  const origin = parts.pop();
  if (!origin?.includes('@') || parts.length === 0) return undefined;
  if (parts.some((part) => openSeals(part).length !== 1)) return undefined;
  return { seals: parts, origin };
}

/** The chain's seals that have not expired. */
const liveSeals = (chain: Chain | undefined, now: Date): string[] =>
  (chain?.seals ?? []).filter((part) => now < openSeals(part)[0].expiresAt);

/**
 * The record after a confirmed change away from `leaving`: the live chain gains a seal for the new
 * link, or a chain starts at `leaving` when none is live. The tag tells the chain's seals apart.
 */
export function chainEmailRestore(
  record: string | undefined,
  link: { token: string; username: string; leaving: string; expiresAt: Date },
  now: Date,
): string {
  const chain = readChain(record);
  const live = liveSeals(chain, now);
  const origin = chain && live.length > 0 ? chain.origin : link.leaving;
  const kept = live.length < MAX_SEALS ? live : [live[0], ...live.slice(live.length - MAX_SEALS + 2)];
  const tag = `r${now.getTime().toString(36)}`;
  return [...kept, sealToken(link.token, [link.username, origin], link.expiresAt, tag), origin].join(' ');
}

/** The origin address that `token` restores, if the record is there, bound to it and not expired. */
export function openEmailRestore(
  account: Pick<Account, 'username' | 'emailRestore'>,
  token: string,
  now: Date,
): string | undefined {
  const chain = readChain(account.emailRestore);
  if (!chain) return undefined;
  return matchSeal(chain.seals.join(' '), token, [account.username, chain.origin], now)
    ? chain.origin
    : undefined;
}
