import { Injectable, OnModuleInit } from '@nestjs/common';
import { UserNotFoundError } from '../../common/errors';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { defineJob } from '../../jobs/job';
import { JobHandlers, JobQueue } from '../../jobs/job-queue';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import { MailBudget } from '../../rate-limit/mail-budget';
import { AddressRegistry } from '../address-registry';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { InvitationsService } from './invitations.service';

/** Byte-identical for every address, so the answer reveals nothing about which addresses have accounts. */
const ACCEPTED: AcceptedResponseDto = {
  message: 'If this address can receive email, a message is on its way.',
};

/** A signup or a resend, as queued: an address and a language, never a secret. */
export interface SignupJob {
  email: string;
  locale?: string;
}

export const SIGNUP_JOB = defineJob<SignupJob>('signup');

/**
 * Invite-only signup. The request only validates and queues: its answer and its timing are the
 * same whatever the address's state. The job then looks the address up and sends what its owner
 * needs: a new account's activation link, a further link for a not yet activated one, a reminder
 * for an active one, nothing for a disabled one.
 */
@Injectable()
export class SignupService implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: JobHandlers,
    private readonly addresses: AddressRegistry,
    private readonly invitations: InvitationsService,
    private readonly cognito: CognitoGateway,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
    private readonly budget: MailBudget,
  ) {}

  onModuleInit(): void {
    this.handlers.register(SIGNUP_JOB, (job, { id }) => this.runSignup(job, id));
  }

  async signup(email: string, locale?: string): Promise<AcceptedResponseDto> {
    // Over the address's budget: the same answer, and nothing queued (see MailBudget).
    if (!(await this.budget.allow('activation', email))) return ACCEPTED;
    await this.queue.enqueue(SIGNUP_JOB, locale ? { email, locale } : { email });
    return ACCEPTED;
  }

  /** Another activation link (earlier ones keep working); the same rules and answer as signup. */
  resendActivation(email: string): Promise<AcceptedResponseDto> {
    return this.signup(email);
  }

  /** The job: under the address's lock, on consistent reads of whoever holds it. */
  async runSignup({ email, locale }: SignupJob, id: string): Promise<void> {
    await this.addresses.withAddress(email, async () => {
      const [owner, ...others] = await this.addresses.holders(email);
      if (!owner) {
        const { username } = await this.invitations.create(email, locale, id);
        this.audit.record('signup.requested', { username, account: 'new' });
        return;
      }
      await this.removeLeftovers(others);
      this.audit.record('signup.requested', { username: owner.username, account: owner.state });
      const language = locale ?? owner.locale;
      switch (owner.state) {
        case 'invited':
          await this.invitations.mailLink(owner, language, id);
          return;
        case 'active':
          await this.mail.send({ to: email, template: 'account-exists', locale: language, context: {} });
          this.audit.record('account-exists.sent', { username: owner.username });
          return;
        case 'disabled':
          return;
      }
    });
  }

  /** Not yet activated duplicates of an earlier race, as read just now; an activated account is never touched. */
  private async removeLeftovers(others: Account[]): Promise<void> {
    for (const account of others.filter((other) => other.state === 'invited')) {
      await this.cognito.deleteAccount(account.username).catch((error: unknown) => {
        if (!(error instanceof UserNotFoundError)) throw error;
      });
      this.audit.record('signup.leftover-removed', { username: account.username });
    }
  }
}
