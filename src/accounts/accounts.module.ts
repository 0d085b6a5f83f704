import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CognitoModule } from '../cognito/cognito.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { EmailChangeController } from './email-change/email-change.controller';
import { EmailChangeService } from './email-change/email-change.service';
import { ProfileController } from './profile/profile.controller';
import { ProfileService } from './profile/profile.service';
import { SignupController } from './signup/signup.controller';
import { InvitationsService } from './signup/invitations.service';
import { SignupService } from './signup/signup.service';

@Module({
  imports: [CognitoModule, MailModule, RateLimitModule],
  controllers: [SignupController, ProfileController, EmailChangeController],
  providers: [SignupService, ProfileService, EmailChangeService, InvitationsService, Clock],
  exports: [InvitationsService],
})
export class AccountsModule {}
