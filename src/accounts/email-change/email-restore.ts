import type { Account } from '../../cognito/account';
import { matchSeal, sealToken } from '../link-secret';

/**
 * The "this wasn't me" link of an email change, the one place that knows its stored shape. After a
 * confirmed change the account holds `<seal> <old address>`: the seal (link-secret.ts) binds the
 * token to the username and to the old address, so the record cannot be pointed at another address
 * without the link ceasing to open. Addresses never contain a space (validation.ts allows printable
 * ASCII only). A restore overwrites the record with SPENT in the same call that puts the address back.
 */
export const RESTORE_SPENT = 'spent';

export const sealEmailRestore = (
  token: string,
  username: string,
  oldEmail: string,
  expiresAt: Date,
): string => `${sealToken(token, [username, oldEmail], expiresAt)} ${oldEmail}`;

/** The old address that `token` restores, if the record is there, bound to it and not expired. */
export function openEmailRestore(
  account: Pick<Account, 'username' | 'emailRestore'>,
  token: string,
  now: Date,
): string | undefined {
  const [seal, oldEmail, ...rest] = (account.emailRestore ?? '').split(' ');
  if (!seal || !oldEmail || rest.length > 0) return undefined;
  return matchSeal(seal, token, [account.username, oldEmail], now) ? oldEmail : undefined;
}
