import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-responses';

/** Who may call a route, and what more its requests must show. */
export type AccessOptions =
  /** Anyone, without a token. */
  | { who: 'anyone' }
  /**
   * A valid frontend-client access token (signature, issuer, client, expiry), issued after its
   * user's sessions were last ended.
   */
  | {
      who: 'signed-in';
      /**
       * The sign-in behind the token must be recent (RECENT_AUTH_MAX_AGE_MINUTES); otherwise 401 with
       * code REAUTHENTICATION_REQUIRED.
       */
      recentSignIn?: boolean;
      /**
       * The route changes something: Cognito is asked about the token itself (GetUser), so a token of a
       * user who signed out everywhere, was disabled or deleted is refused now, not only at its expiry.
       * Reads keep the cheaper local check.
       */
      write?: boolean;
    }
  /**
   * A member of ADMIN_GROUP, signed in recently, whose token Cognito still honours (reads included:
   * an admin's powers end with the admin's sessions).
   */
  | { who: 'admin' };

/** The checks a route's requests go through: the one metadata object AccessGuard reads. */
export interface AccessRule {
  /** A valid access token is needed (false only for `who: 'anyone'`). */
  token: boolean;
  recentSignIn: boolean;
  /** The token's `cognito:groups` must hold ADMIN_GROUP (else 403). */
  admin: boolean;
  /** GetUser with the token, after every other check (`write`, and every admin route). */
  askCognito: boolean;
}

export const ACCESS_RULE = 'accessRule';

export function accessRule(options: AccessOptions): AccessRule {
  switch (options.who) {
    case 'anyone':
      return { token: false, recentSignIn: false, admin: false, askCognito: false };
    case 'signed-in':
      return {
        token: true,
        recentSignIn: options.recentSignIn === true,
        admin: false,
        askCognito: options.write === true,
      };
    case 'admin':
      return { token: true, recentSignIn: true, admin: true, askCognito: true };
  }
}

/** The error answers a rule can give, for the OpenAPI document. */
function errorStatuses(rule: AccessRule): (401 | 403 | 503)[] {
  if (!rule.token) return [];
  return [401, ...(rule.admin ? [403 as const] : []), ...(rule.askCognito ? [503 as const] : [])];
}

/**
 * Who may call a route (on a handler) or every route of a controller (on the class; a handler's own
 * @Access() replaces it whole). A route without it is closed to everyone: AccessGuard refuses it.
 * Also documents the bearer token and the error answers the rule can give.
 */
export const Access = (options: AccessOptions) => {
  const rule = accessRule(options);
  const statuses = errorStatuses(rule);
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ...(rule.token ? [ApiBearerAuth(), ApiErrorResponses(...statuses)] : []),
  );
};
