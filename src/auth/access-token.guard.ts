import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { UnauthenticatedError } from '../common/errors';
import { CognitoService } from '../cognito/cognito.service';
import { authConfig } from '../config/configuration';
import { ACCESS_NEEDS, type AccessNeeds } from './access.decorators';
import { AccessTokenVerifier } from './access-token.verifier';
import type { Principal } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { assertRecentSignIn } from './recent-sign-in';
import { Revocations } from './revocations';

/** The request as the guard leaves it: `principal` is set on every non-public route. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Default deny: every route needs a valid frontend-client access token unless marked @Public().
 * Failures throw (401 with the reason, 503 when the keys can't be read); nothing answers false.
 * Every route refuses a token issued before its user's sessions were ended (Revocations); routes
 * marked @WriteAccess() also ask Cognito about the token, and may need a recent sign-in.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  /**
   * Each route's @Public() and @WriteAccess() metadata, read once per handler: metadata is fixed at
   * boot, and two reflector look-ups per request were a measurable share of a cheap route's CPU.
   */
  private readonly routes = new WeakMap<object, { isPublic: boolean; needs?: AccessNeeds }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: Revocations,
    private readonly cognito: CognitoService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, needs } = this.routeOf(context);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    const principal = await this.verifier.verify(token);
    if (await this.revocations.isRevoked(principal.sub, principal.issuedAt)) {
      throw new UnauthenticatedError('Access token was revoked: sign in again');
    }
    // Real time, not the service clock: `auth_time` is Cognito's, like the token's own expiry.
    if (needs?.recentSignIn) assertRecentSignIn(principal, this.config.recentSignInMaxAgeMs, new Date());
    if (needs?.live) await this.cognito.assertTokenLive(token);
    request.principal = principal;
    return true;
  }

  private routeOf(context: ExecutionContext): { isPublic: boolean; needs?: AccessNeeds } {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true,
        needs: this.reflector.getAllAndOverride<AccessNeeds | undefined>(ACCESS_NEEDS, targets),
      };
      this.routes.set(handler, route);
    }
    return route;
  }
}

function bearerToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string' || header.length === 0) {
    throw new UnauthenticatedError('Missing Authorization: Bearer <access token> header');
  }
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (!match?.[1]) throw new UnauthenticatedError('Authorization header must be "Bearer <access token>"');
  return match[1];
}
