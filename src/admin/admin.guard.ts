import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { AuthenticatedRequest } from '../auth/access-token.guard';
import { assertRecentSignIn } from '../auth/recent-sign-in';
import { ForbiddenError } from '../common/errors';
import { adminConfig, authConfig } from '../config/configuration';

/**
 * Runs after the global access-token guard: the token's `cognito:groups` must hold ADMIN_GROUP
 * (403 FORBIDDEN), and its sign-in must be recent (401 REAUTHENTICATION_REQUIRED), so a token left
 * in a browser does not keep admin powers for its whole life.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    @Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!principal) throw new Error('AdminGuard used on a route the access-token guard did not check');
    if (!principal.groups.includes(this.config.group)) throw new ForbiddenError();
    // Real time, not the service clock: `auth_time` is Cognito's, like the token's own expiry.
    assertRecentSignIn(principal, this.auth.recentSignInMaxAgeMs, new Date());
    return true;
  }
}
