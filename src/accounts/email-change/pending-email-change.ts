import type { Account } from '../../cognito/account';
import { lastExpiry, matchSeal, sealToken } from '../link-secret';

/**
 * A pending email change, the one place that knows its shape. While it waits, the account holds the
 * new address (`pendingEmail`) and the seal of its link's token (`pendingEmailSecret`); the gateway
 * keeps them in the attributes `cognito/attributes.ts` names (the address is not a sign-in alias, so
 * nobody signs in with it), and writes them only through its pending-change methods.
 *
 * The seal binds the token to the username, to the new address and to the account's address when
 * the link was mailed (link-secret.ts): if the pending address is changed behind our back (any app
 * client allowed to write `preferred_username`), or the account's own address changes meanwhile (a
 * restore, another confirmation), the link no longer opens anything. A confirmation overwrites the seal with SPENT, which no token
 * matches, in the same call that swaps the address.
 */
export interface PendingEmailChange {
  email: string;
  expiresAt: Date;
}

/** What the secret holds between a confirmation and the clean-up call after it. */
export const SPENT = 'spent';

/** The seal of a fresh token for moving `username` from `from` (its address now) to `email`. */
export const sealEmailChange = (
  token: string,
  username: string,
  email: string,
  expiresAt: Date,
  from: string,
): string => sealToken(token, [username, email, from], expiresAt);

/** True when a confirmation spent the secret but its clean-up never ran. */
export const isSpent = (account: Pick<Account, 'pendingEmailSecret'>): boolean =>
  account.pendingEmailSecret === SPENT;

/** The pending change that `token` confirms, if it is there, bound to this address and not expired. */
export function openEmailChange(
  account: Pick<Account, 'username' | 'email' | 'pendingEmail' | 'pendingEmailSecret'>,
  token: string,
  now: Date,
): PendingEmailChange | undefined {
  const email = account.pendingEmail;
  if (!email) return undefined;
  const binding = [account.username, email, account.email ?? ''];
  const seal = matchSeal(account.pendingEmailSecret, token, binding, now);
  return seal && { email, expiresAt: seal.expiresAt };
}

/** The change waiting for its link, if any and not expired (for showing; confirming needs the token). */
export function pendingEmailChange(
  account: Pick<Account, 'pendingEmail' | 'pendingEmailSecret'>,
  now: Date,
): PendingEmailChange | undefined {
  const expiresAt = lastExpiry(account.pendingEmailSecret);
  return account.pendingEmail && expiresAt && now < expiresAt
    ? { email: account.pendingEmail, expiresAt }
    : undefined;
}
