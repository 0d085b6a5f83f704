import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { adminConfig, authConfig } from '../config/configuration';
import type { AccessNeeds } from './access.decorators';
import { AccessTokenVerifier } from './access-token.verifier';
import type { Principal } from './principal';
import { assertRecentSignIn } from './recent-sign-in';
import { Revocations } from './revocations';
import { assertUserAdminScope } from './token-scope';
import { RouteAccess } from './route-access';

/** The request as the guard leaves it: `principal` is set on every non-public route. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Default deny: every route needs a valid frontend-client access token unless marked @Public().
 * Failures throw (401 with the reason, 503 when the keys can't be read); nothing answers false.
 * Every route refuses a token issued before its user's sessions were ended (Revocations). The
 * checks of @WriteAccess() that need no network run here too (a recent sign-in, the admin group);
 * asking Cognito about the token is LiveTokenGuard's, after the rate limits.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly routes: RouteAccess,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: Revocations,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Inject(adminConfig.KEY) private readonly admin: ConfigType<typeof adminConfig>,
  ) {}

  /** Synchronous for public routes: no promise for Nest to await on /health. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const { isPublic, needs } = this.routes.of(context);
    return isPublic || this.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>(), needs);
  }

  private async authenticate(
    request: AuthenticatedRequest,
    needs: AccessNeeds | undefined,
  ): Promise<boolean> {
    const principal = await this.verifier.verify(bearerToken(request.headers.authorization));
    if (await this.revocations.isRevoked(principal.sub, principal.issuedAt)) {
      throw new UnauthenticatedError('Access token was revoked: sign in again');
    }
    // Real time, not the service clock: `auth_time` is Cognito's, like the token's own expiry.
    if (needs?.recentSignIn) assertRecentSignIn(principal, this.config.recentSignInMaxAgeMs, new Date());
    if (needs?.admin && !principal.groups.includes(this.admin.group)) throw new ForbiddenError();
    if (needs?.live) assertUserAdminScope(principal);
    request.principal = principal;
    return true;
  }
}

/** The access token of a request that passed AccessTokenGuard (it was well-formed there). */
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
