import type { Account } from '../../cognito/account';
import { matchSeal, sealToken } from '../link-secret';

/**
 * A password-reset link, the one place that knows its stored shape: the account holds one seal
 * (link-secret.ts) bound to its username, so a new request replaces the earlier link, and the reset
 * removes it (a used link opens nothing).
 */
export const sealPasswordReset = (token: string, username: string, expiresAt: Date): string =>
  sealToken(token, [username], expiresAt);

/** True when `token` opens the account's live reset link. */
export const opensPasswordReset = (
  account: Pick<Account, 'username' | 'passwordResetSecret'>,
  token: string,
  now: Date,
): boolean => matchSeal(account.passwordResetSecret, token, [account.username], now) !== undefined;
