import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { CognitoGateway } from '../cognito/cognito-gateway';
import { ForbiddenError } from '../common/errors';
import { RouteArguments } from '../common/route-arguments';
import { validationPipe } from '../common/validation';
import { adminConfig } from '../config/configuration';
import type { AccessRule } from './access.decorator';
import { accessTokenOf, type AuthenticatedRequest } from './access-token.check';

/**
 * Cognito's word on a token (GetUser), for routes whose rule asks it, and on admin routes also on
 * the caller's membership of ADMIN_GROUP (AdminListGroupsForUser): the token's `cognito:groups` is
 * what it was at sign-in, so an admin removed from the group would keep the admin API until the
 * token expires. Both are asked together. Before that, the request's body, query and path
 * parameters are validated as the handler will receive them: Nest runs guards before pipes, so
 * without this every malformed request to a write route would cost a Cognito call (and a share of
 * the pool's quota) before its 400.
 */
@Injectable()
export class LiveTokenCheck {
  private readonly arguments = new RouteArguments(validationPipe);

  constructor(
    private readonly cognito: CognitoGateway,
    @Inject(adminConfig.KEY) private readonly admin: ConfigType<typeof adminConfig>,
  ) {}

  async confirm(context: ExecutionContext, rule: Pick<AccessRule, 'admin'>): Promise<void> {
    await this.arguments.validate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const username = request.principal?.username;
    const [live, groups] = await Promise.allSettled([
      this.cognito.assertTokenLive(accessTokenOf(request)),
      rule.admin && username ? this.cognito.groupsOf(username) : Promise.resolve(undefined),
    ]);
    // A dead token is 401 whatever the groups say.
    if (live.status === 'rejected') throw live.reason;
    if (groups.status === 'rejected') throw groups.reason;
    if (rule.admin && !groups.value?.includes(this.admin.group)) throw new ForbiddenError();
  }
}
