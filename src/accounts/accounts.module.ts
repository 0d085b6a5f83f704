import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module';
import { Clock } from '../common/clock';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { CognitoModule } from '../cognito/cognito.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AddressRegistry } from './address-registry';
import { EmailChangeController } from './email-change/email-change.controller';
import { EmailChangeService } from './email-change/email-change.service';
import { EmailConfirmationService } from './email-change/email-confirmation.service';
import { EmailRestoreController } from './email-change/email-restore.controller';
import { EmailRestoreLinks } from './email-change/email-restore-links';
import { EmailRestoreService } from './email-change/email-restore.service';
import { AccountLifecycleService } from './lifecycle/account-lifecycle.service';
import { LinkIssuer } from './links';
import { MailRequests } from './mail-requests';
import { MfaController } from './mfa/mfa.controller';
import { MfaService } from './mfa/mfa.service';
import { PasswordController } from './password/password.controller';
import { PasswordResetLinks } from './password/password-reset-links';
import { PasswordResetService } from './password/password-reset.service';
import { PasswordService } from './password/password.service';
import { ProfileController } from './profile/profile.controller';
import { ProfileService } from './profile/profile.service';
import { SessionsController } from './sessions/sessions.controller';
import { SignupController } from './signup/signup.controller';
import { ActivationService } from './signup/activation.service';
import { InvitationsService } from './signup/invitations.service';
import { SignupService } from './signup/signup.service';

@Module({
  imports: [AuthModule, CognitoModule, MailModule, RateLimitModule, AdmissionModule, EventsModule],
  controllers: [
    SignupController,
    ProfileController,
    EmailChangeController,
    EmailRestoreController,
    PasswordController,
    SessionsController,
    MfaController,
  ],
  providers: [
    AccountLifecycleService,
    AddressRegistry,
    LinkIssuer,
    MailRequests,
    InvitationsService,
    SignupService,
    ActivationService,
    ProfileService,
    EmailChangeService,
    EmailConfirmationService,
    EmailRestoreLinks,
    EmailRestoreService,
    PasswordService,
    PasswordResetLinks,
    PasswordResetService,
    MfaService,
    Clock,
  ],
  exports: [InvitationsService, AccountLifecycleService, MfaService],
})
export class AccountsModule {}
