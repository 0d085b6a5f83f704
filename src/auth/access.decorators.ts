import { SetMetadata } from '@nestjs/common';

export const ACCESS_NEEDS = 'accessNeeds';

export interface AccessNeeds {
  /** Ask Cognito whether the token and its user are still good (GetUser with the token). */
  live?: boolean;
  /** The sign-in behind the token must be recent (RECENT_AUTH_MAX_AGE_MINUTES). */
  recentSignIn?: boolean;
  /** The token's `cognito:groups` must hold ADMIN_GROUP. */
  admin?: boolean;
}

/**
 * For routes that change anything: besides the signature and expiry checked on every route, the
 * guards ask Cognito about the token itself, so a token of a user who signed out everywhere, was
 * disabled or deleted is refused here, not only at its expiry. Reads keep the cheaper local check.
 * Cognito is asked last, about a request the route would carry out: after the local checks, the
 * rate limits and the validation of the request's arguments.
 */
export const WriteAccess = (needs: Omit<AccessNeeds, 'live'> = {}) =>
  SetMetadata(ACCESS_NEEDS, { live: true, ...needs });
