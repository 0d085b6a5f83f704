import { Module } from '@nestjs/common';
import { CognitoClient } from './cognito-client';
import { CognitoGateway } from './cognito-gateway';
import { RecentAccounts } from './recent-accounts';
import { SdkCognitoGateway } from './sdk-cognito-gateway';

/** The user pool behind one gateway: nothing outside this folder sees the SDK. */
@Module({
  providers: [CognitoClient, RecentAccounts, { provide: CognitoGateway, useClass: SdkCognitoGateway }],
  exports: [CognitoGateway],
})
export class CognitoModule {}
