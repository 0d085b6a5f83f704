import { ExecutionContext, Injectable } from '@nestjs/common';
import { CognitoService } from '../cognito/cognito.service';
import { RouteArguments } from '../common/route-arguments';
import { validationPipe } from '../common/validation';
import { accessTokenOf, type AuthenticatedRequest } from './access-token.check';

/**
 * Cognito's word on a token (GetUser), for routes whose rule asks it. Before that, the request's
 * body, query and path parameters are validated as the handler will receive them: Nest runs guards
 * before pipes, so without this every malformed request to a write route would cost a Cognito call
 * (and a share of the pool's quota) before its 400.
 */
@Injectable()
export class LiveTokenCheck {
  private readonly arguments = new RouteArguments(validationPipe);

  constructor(private readonly cognito: CognitoService) {}

  async confirm(context: ExecutionContext): Promise<void> {
    await this.arguments.validate(context);
    await this.cognito.assertTokenLive(
      accessTokenOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
    );
  }
}
