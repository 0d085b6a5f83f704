import type { Account } from '../../cognito/account';
import { matchSeal, sealToken } from '../link-secret';

type Holder = Pick<Account, 'username' | 'email'>;

/**
 * A password-reset link, the one place that knows its stored shape: the account holds one seal
 * (link-secret.ts) bound to its username and to the address the link was mailed to, so a new request
 * replaces the earlier link, the reset removes it (a used link opens nothing), and once the account's
 * address changes a link mailed to the old one opens nothing either.
 */
export const sealPasswordReset = (token: string, { username, email }: Holder, expiresAt: Date): string =>
  sealToken(token, [username, email ?? ''], expiresAt);

/** True when `token` opens the account's live reset link, mailed to the account's current address. */
export const opensPasswordReset = (
  account: Holder & Pick<Account, 'passwordResetSecret'>,
  token: string,
  now: Date,
): boolean =>
  account.email !== undefined &&
  matchSeal(account.passwordResetSecret, token, [account.username, account.email], now) !== undefined;
