import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { AuthenticatedRequest } from '../auth/access-token.guard';
import { ForbiddenError } from '../common/errors';
import { adminConfig } from '../config/configuration';

/**
 * Runs after the global access-token guard (which, through @AdminOnly's @WriteAccess, has checked
 * that the sign-in is recent and that Cognito still honours the token): the token's
 * `cognito:groups` must hold ADMIN_GROUP (403 FORBIDDEN).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>) {}

  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!principal) throw new Error('AdminGuard used on a route the access-token guard did not check');
    if (!principal.groups.includes(this.config.group)) throw new ForbiddenError();
    return true;
  }
}
