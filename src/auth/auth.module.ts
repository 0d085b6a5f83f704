import { Module } from '@nestjs/common';
import { CognitoModule } from '../cognito/cognito.module';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenVerifier } from './access-token.verifier';
import { Revocations } from './revocations';

/**
 * Access-token verification and the default-deny guard. AppModule registers the guard as APP_GUARD,
 * so its order relative to the rate-limit guard is written in one place.
 */
@Module({
  imports: [CognitoModule],
  providers: [AccessTokenVerifier, AccessTokenGuard, Revocations],
  exports: [AccessTokenVerifier, AccessTokenGuard, Revocations],
})
export class AuthModule {}
