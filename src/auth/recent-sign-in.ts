import { ReauthenticationRequiredError } from '../common/errors';
import type { Principal } from './principal';

/**
 * Changing the address or deleting the account needs a sign-in of moments ago, not just a valid
 * token: a token's `auth_time` (when the user last entered a password, kept across refreshes) must
 * be within `maxAgeMs`.
 */
export function assertRecentSignIn(principal: Principal, maxAgeMs: number, now: Date): void {
  if (principal.authTime === undefined || now.getTime() - principal.authTime * 1000 > maxAgeMs) {
    throw new ReauthenticationRequiredError();
  }
}
