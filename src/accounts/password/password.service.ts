import { Injectable } from '@nestjs/common';
import type { Account } from '../../cognito/account';
import { defineJob, type JobContext } from '../../jobs/job';
import { JobHandler } from '../../jobs/job-handler.decorator';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import { AddressRegistry } from '../address-registry';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { MailRequests } from '../mail-requests';
import { activationMail, InvitationsService } from '../signup/invitations.service';
import { PasswordResetLinks } from './password-reset-links';

/** Byte-identical for every address: the answer never tells whether an account uses it. */
const ACCEPTED: AcceptedResponseDto = {
  message: 'If this address can receive email, a message is on its way.',
};

export interface ForgotPasswordJob {
  email: string;
}

/** Run by `PasswordService.runForgot`. */
export const FORGOT_PASSWORD_JOB = defineJob<ForgotPasswordJob>('forgot-password');

/**
 * "Forgot password?" on the service's own mails, instead of Cognito's ForgotPassword code: the
 * request only queues (same answer and timing for every address); the job mails an active account a
 * link whose seal waits on the account (password-reset-link.ts), a not yet activated one a further
 * activation link, and nothing to a disabled account or an unknown address. `email_verified` stays
 * true throughout, so Cognito's own ForgotPassword keeps working for apps that use it.
 */
@Injectable()
export class PasswordService {
  constructor(
    private readonly requests: MailRequests,
    private readonly addresses: AddressRegistry,
    private readonly invitations: InvitationsService,
    private readonly resetLinks: PasswordResetLinks,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
  ) {}

  async forgotPassword(email: string): Promise<AcceptedResponseDto> {
    await this.requests.enqueue('password-reset', email, FORGOT_PASSWORD_JOB, { email });
    return ACCEPTED;
  }

  /** The job, and every mail of it: under the address's lock, on consistent reads of whoever holds it. */
  @JobHandler(FORGOT_PASSWORD_JOB)
  async runForgot({ email }: ForgotPasswordJob, { id }: JobContext): Promise<void> {
    await this.addresses.withAddress(email, async () => {
      const [owner] = await this.addresses.holders(email);
      if (!owner) return;
      this.audit.record('password-reset.requested', { username: owner.username, account: owner.state });
      switch (owner.state) {
        case 'active':
          return this.sendResetLink(owner, email);
        case 'invited': {
          await this.mail.send(activationMail(await this.invitations.addLink(owner, owner.locale, id)));
          this.audit.record('activation.sent', { username: owner.username });
          return;
        }
        case 'disabled':
          return;
      }
    });
  }

  private async sendResetLink(account: Account, to: string): Promise<void> {
    const context = await this.resetLinks.issue(account);
    await this.mail.send({ to, template: 'password-reset', locale: account.locale, context });
    this.audit.record('password-reset.sent', { username: account.username });
  }
}
