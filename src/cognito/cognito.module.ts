import { Module } from '@nestjs/common';
import { CognitoClient } from './cognito-client';
import { CognitoService } from './cognito.service';

@Module({
  providers: [CognitoClient, CognitoService],
  exports: [CognitoClient, CognitoService],
})
export class CognitoModule {}
