import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';
import { accessTokenOf, type AuthenticatedRequest } from './access-token.check';

/** The verified principal of the request. Throws on an `@Access({ who: 'anyone' })` route, where there is none. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!principal) throw new Error('@CurrentUser() used on a route whose @Access() rule needs no token');
  return principal;
});

/** The request's access token, for the calls Cognito authorizes by it (never logged or returned). */
export const AccessToken = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  accessTokenOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
