import { Module } from '@nestjs/common';
import { CognitoClient } from './cognito-client';
import { CognitoProbe } from './cognito-probe';
import { CognitoService } from './cognito.service';

@Module({
  providers: [CognitoClient, CognitoService, CognitoProbe],
  exports: [CognitoClient, CognitoService, CognitoProbe],
})
export class CognitoModule {}
