import { Injectable } from '@nestjs/common';
import { defineJob, type JobContext } from '../../jobs/job';
import { JobHandler } from '../../jobs/job-handler.decorator';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import { AddressRegistry } from '../address-registry';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { MailRequests } from '../mail-requests';
import { activationMail, InvitationsService, type ActivationLink } from './invitations.service';

/** Byte-identical for every address, so the answer reveals nothing about which addresses have accounts. */
const ACCEPTED: AcceptedResponseDto = {
  message: 'If this address can receive email, a message is on its way.',
};

/** A signup or a resend, as queued: an address and a language, never a secret. */
export interface SignupJob {
  email: string;
  locale?: string;
}

/** Run by `SignupService.runSignup`. */
export const SIGNUP_JOB = defineJob<SignupJob>('signup');

/**
 * Invite-only signup. The request only validates and queues: its answer and its timing are the
 * same whatever the address's state. The job then looks the address up and sends what its owner
 * needs: a new account's activation link, a further link for a not yet activated one, a reminder
 * for an active one, nothing for a disabled one.
 */
@Injectable()
export class SignupService {
  constructor(
    private readonly requests: MailRequests,
    private readonly addresses: AddressRegistry,
    private readonly invitations: InvitationsService,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
  ) {}

  async signup(email: string, locale?: string): Promise<AcceptedResponseDto> {
    await this.requests.enqueue('activation', email, SIGNUP_JOB, locale ? { email, locale } : { email });
    return ACCEPTED;
  }

  /** Another activation link (earlier ones keep working); the same rules and answer as signup. */
  resendActivation(email: string): Promise<AcceptedResponseDto> {
    return this.signup(email);
  }

  /** The job, and every mail of signup: under the address's lock, on consistent reads of whoever holds it. */
  @JobHandler(SIGNUP_JOB)
  async runSignup({ email, locale }: SignupJob, { id }: JobContext): Promise<void> {
    await this.addresses.withAddress(email, async () => {
      const [owner, ...others] = await this.addresses.holders(email);
      if (!owner) {
        const link = await this.invitations.create(email, locale, id);
        await this.sendActivation(link);
        this.audit.record('signup.requested', { username: link.username, account: 'new' });
        return;
      }
      await this.invitations.withdrawLeftovers(others);
      this.audit.record('signup.requested', { username: owner.username, account: owner.state });
      const language = locale ?? owner.locale;
      switch (owner.state) {
        case 'invited':
          return this.sendActivation(await this.invitations.addLink(owner, language, id));
        case 'active':
          await this.mail.send({ to: email, template: 'account-exists', locale: language, context: {} });
          this.audit.record('account-exists.sent', { username: owner.username });
          return;
        case 'disabled':
          return;
      }
    });
  }

  private async sendActivation(link: ActivationLink): Promise<void> {
    await this.mail.send(activationMail(link));
    this.audit.record('activation.sent', { username: link.username });
  }
}
