import { Module } from '@nestjs/common';
import { CognitoClient } from './cognito-client';
import { CognitoDirectory } from './cognito-directory';
import { CognitoProbe } from './cognito-probe';
import { CognitoService } from './cognito.service';
import { RecentAccounts } from './recent-accounts';

@Module({
  providers: [CognitoClient, RecentAccounts, CognitoService, CognitoProbe, CognitoDirectory],
  exports: [CognitoClient, CognitoService, CognitoProbe, CognitoDirectory],
})
export class CognitoModule {}
