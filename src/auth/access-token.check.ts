import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { adminConfig, authConfig } from '../config/configuration';
import type { AccessRule } from './access.decorator';
import { AccessTokenVerifier } from './access-token.verifier';
import type { Principal } from './principal';
import { assertRecentSignIn } from './recent-sign-in';
import { Revocations } from './revocations';
import { assertUserAdminScope } from './token-scope';

/** The request as AccessGuard leaves it: `principal` is set on every route that needs a token. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * The checks of a route's rule that need no network: a valid frontend-client access token, not
 * revoked since (Revocations: every instance refuses a token issued before its user's sessions
 * ended), a recent sign-in, the admin group, and on routes that ask Cognito the scope GetUser needs. Failures throw (401 with the reason, 403 for a
 * non-admin, 503 when the keys can't be read); nothing answers false.
 */
@Injectable()
export class AccessTokenCheck {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: Revocations,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Inject(adminConfig.KEY) private readonly admin: ConfigType<typeof adminConfig>,
  ) {}

  /** Sets `request.principal` once the token passes every local check of `rule`. */
  async identify(request: AuthenticatedRequest, rule: AccessRule): Promise<void> {
    const principal = await this.verifier.verify(bearerToken(request.headers.authorization));
    if (await this.revocations.isRevoked(principal.sub, principal.issuedAt)) {
      throw new UnauthenticatedError('Access token was revoked: sign in again');
    }
    // Real time, not the service clock: `auth_time` is Cognito's, like the token's own expiry.
    if (rule.recentSignIn) assertRecentSignIn(principal, this.config.recentSignInMaxAgeMs, new Date());
    if (rule.admin && !principal.groups.includes(this.admin.group)) throw new ForbiddenError();
    // Cognito refuses GetUser for a token without this scope: say so here, before asking it.
    if (rule.askCognito) assertUserAdminScope(principal);
    request.principal = principal;
  }
}

/** The access token of a request that passed AccessTokenCheck (it was well-formed there). */
export const accessTokenOf = (request: AuthenticatedRequest): string =>
  bearerToken(request.headers.authorization);

function bearerToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string' || header.length === 0) {
    throw new UnauthenticatedError('Missing Authorization: Bearer <access token> header');
  }
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (!match?.[1]) throw new UnauthenticatedError('Authorization header must be "Bearer <access token>"');
  return match[1];
}
