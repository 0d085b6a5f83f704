import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CognitoModule } from '../cognito/cognito.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { EmailChangeService } from './email-change.service';
import { EmailConfirmationController } from './email-confirmation.controller';
import { MeController } from './me.controller';
import { ProfileService } from './profile.service';
import { SignupController } from './signup.controller';
import { SignupService } from './signup.service';

@Module({
  imports: [CognitoModule, MailModule, RateLimitModule],
  controllers: [SignupController, MeController, EmailConfirmationController],
  providers: [SignupService, ProfileService, EmailChangeService, Clock],
})
export class AccountsModule {}
