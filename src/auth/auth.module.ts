import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CognitoModule } from '../cognito/cognito.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AccessGuard } from './access.guard';
import { AccessTokenCheck } from './access-token.check';
import { AccessTokenVerifier } from './access-token.verifier';
import { LiveTokenCheck } from './live-token.check';
import { Revocations } from './revocations';
import { RouteAccess } from './route-access';

/**
 * Who may call what: access-token verification, revocations, and AccessGuard, the one global guard,
 * which runs every check of a route's @Access() rule and the rate limits in one written order.
 */
@Module({
  imports: [CognitoModule, RateLimitModule],
  providers: [
    AccessTokenVerifier,
    AccessTokenCheck,
    LiveTokenCheck,
    RouteAccess,
    Revocations,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AccessTokenVerifier, Revocations],
})
export class AuthModule {}
