import { ReauthenticationRequiredError } from '../common/errors';
import type { Principal } from './principal';

/**
 * Throws 401 REAUTHENTICATION_REQUIRED unless the principal signed in within `maxAgeMs` of `now`.
 * A token without `auth_time` counts as old: sensitive routes must never be reached on a guess.
 * Refreshed tokens keep the original `auth_time`, so only a new sign-in renews it.
 */
export function assertRecentSignIn(principal: Principal, maxAgeMs: number, now: Date): void {
  if (principal.authTime === undefined || now.getTime() - principal.authTime * 1000 > maxAgeMs) {
    throw new ReauthenticationRequiredError();
  }
}
