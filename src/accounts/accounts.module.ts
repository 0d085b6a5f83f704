import { Module } from '@nestjs/common';
import { CognitoModule } from '../cognito/cognito.module';
import { MailModule } from '../mail/mail.module';
import { AccountsController } from './accounts.controller';
import { SignupService } from './signup.service';

@Module({
  imports: [CognitoModule, MailModule],
  controllers: [AccountsController],
  providers: [SignupService],
})
export class AccountsModule {}
