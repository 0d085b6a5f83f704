import { Module } from '@nestjs/common';
import { CognitoModule } from '../cognito/cognito.module';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenVerifier } from './access-token.verifier';
import { LiveTokenGuard } from './live-token.guard';
import { Revocations } from './revocations';
import { RouteAccess } from './route-access';

/**
 * Access-token verification and the guards: default deny, and Cognito's word on write routes.
 * AppModule registers both as APP_GUARD, so their order around the rate-limit guard is written in one place.
 */
@Module({
  imports: [CognitoModule],
  providers: [AccessTokenVerifier, AccessTokenGuard, LiveTokenGuard, RouteAccess, Revocations],
  exports: [AccessTokenVerifier, AccessTokenGuard, LiveTokenGuard, Revocations],
})
export class AuthModule {}
