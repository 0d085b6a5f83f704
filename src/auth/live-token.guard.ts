import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { CognitoGateway } from '../cognito/cognito-gateway';
import { RouteArguments } from '../common/route-arguments';
import { validationPipe } from '../common/validation';
import { accessTokenOf, type AuthenticatedRequest } from './access-token.guard';
import { RouteAccess } from './route-access';

/**
 * The last check of a @WriteAccess() route, after AccessTokenGuard and the rate limits: Cognito is
 * asked whether the token is still good (GetUser). Before that, the request's body, query and path
 * parameters are validated as the handler will receive them: Nest runs guards before pipes, so
 * without this every malformed request to a write route would cost a Cognito call (and a share of
 * the pool's quota) before its 400.
 */
@Injectable()
export class LiveTokenGuard implements CanActivate {
  private readonly arguments = new RouteArguments(validationPipe);

  constructor(
    private readonly routes: RouteAccess,
    private readonly cognito: CognitoGateway,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.routes.of(context).needs?.live !== true || this.askCognito(context);
  }

  private async askCognito(context: ExecutionContext): Promise<boolean> {
    await this.arguments.validate(context);
    await this.cognito.assertTokenLive(
      accessTokenOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
    );
    return true;
  }
}
