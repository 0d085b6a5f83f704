import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthenticatedError } from '../common/errors';
import { AccessTokenVerifier } from './access-token.verifier';
import type { Principal } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { Revocations } from './revocations';

/** The request as the guard leaves it: `principal` is set on every non-public route. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Default deny: every route needs a valid frontend-client access token unless marked @Public().
 * Failures throw (401 with the reason, 503 when the keys can't be read); nothing answers false.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: Revocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.verifier.verify(bearerToken(request.headers.authorization));
    // After the (cached) verification, on every request: a mark must stop a token at once.
    if (await this.revocations.isRevoked(principal.sub, principal.issuedAt)) {
      throw new UnauthenticatedError('Access token was revoked: sign in again');
    }
    request.principal = principal;
    return true;
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
