import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import type { AccessRule } from './access.decorator';
import { AccessTokenCheck, type AuthenticatedRequest } from './access-token.check';
import { LiveTokenCheck } from './live-token.check';
import { RouteAccess } from './route-access';

/**
 * The one global guard (AuthModule registers it). Every request to a controller goes through these
 * steps, in this order:
 * 1. the route's @Access() rule; a route without one is closed to every caller (a 500, logged: a
 *    route someone forgot to declare must not open by default);
 * 2. the token's local checks (AccessTokenCheck): signature and expiry, revocation, recent sign-in,
 *    admin group;
 * 3. the rate limits (RateLimitGuard): after 2, so the per-user and per-admin limits know the user;
 * 4. Cognito's word on the token (LiveTokenCheck), where the rule asks for it: last, so it is asked
 *    only about a request within its limits whose arguments are valid (it validates them first).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly routes: RouteAccess,
    private readonly tokens: AccessTokenCheck,
    private readonly limits: RateLimitGuard,
    private readonly live: LiveTokenCheck,
  ) {}

  /** Synchronous for an open route without limits (/health): no promise for Nest to await. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.routes.of(context);
    if (!rule) {
      throw new Error(`${context.getClass().name}.${context.getHandler().name} declares no @Access() rule`);
    }
    if (!rule.token && !this.limits.applies(context)) return true;
    return this.checkInOrder(context, rule);
  }

  private async checkInOrder(context: ExecutionContext, rule: AccessRule): Promise<boolean> {
    if (rule.token)
      await this.tokens.identify(context.switchToHttp().getRequest<AuthenticatedRequest>(), rule);
    if (!(await this.limits.canActivate(context))) return false;
    if (rule.askCognito) await this.live.confirm(context, rule);
    return true;
  }
}
