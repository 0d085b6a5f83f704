import { Module } from '@nestjs/common';
import { AccessTokenVerifier } from './access-token.verifier';
import { CognitoService } from './cognito.service';

@Module({
  providers: [CognitoService, AccessTokenVerifier],
  exports: [CognitoService, AccessTokenVerifier],
})
export class CognitoModule {}
