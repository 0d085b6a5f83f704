import { Module } from '@nestjs/common';
import { CognitoClient } from './cognito-client';
import { CognitoDirectory } from './cognito-directory';
import { CognitoService } from './cognito.service';

@Module({
  providers: [CognitoClient, CognitoService, CognitoDirectory],
  exports: [CognitoClient, CognitoService, CognitoDirectory],
})
export class CognitoModule {}
