import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../../common/clock';
import { EmailTakenError, InvalidConfirmationLinkError, UserNotFoundError } from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { linksConfig } from '../../config/configuration';
import { COUNTER_STORE, type CounterStore } from '../../coordination/coordination.types';
import { defineJob } from '../../jobs/job';
import { JobHandlers, JobQueue } from '../../jobs/job-queue';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import { MailBudget } from '../../rate-limit/mail-budget';
import { AddressRegistry } from '../address-registry';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { buildLink } from '../links';
import { EmailRestoreService, type RestoreLink } from './email-restore.service';
import { isSpent, openEmailChange, sealEmailChange, SPENT } from './pending-email-change';

/** The same whether or not the address is free: a signed-in user cannot test addresses with it. */
const REQUEST_ACCEPTED: AcceptedResponseDto = {
  message: 'If the new address can be used, a confirmation link is on its way to it.',
};

/** "Someone tried to move an account to this address" notices per address per hour, at most. */
const TAKEN_NOTICES_PER_HOUR = 3;

export interface EmailChangeJob {
  username: string;
  email: string;
}

export const EMAIL_CHANGE_JOB = defineJob<EmailChangeJob>('email-change');

/**
 * Self-service email change without lock-out: the new address waits beside the account's email
 * (see pending-email-change.ts), and `email` changes only when the link mailed to the new address is
 * followed. Until then sign-in and password reset keep working with the old address.
 */
@Injectable()
export class EmailChangeService implements OnModuleInit {
  private readonly logger = new Logger(EmailChangeService.name);

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly mail: MailService,
    private readonly queue: JobQueue,
    private readonly handlers: JobHandlers,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly restores: EmailRestoreService,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
    private readonly budget: MailBudget,
  ) {}

  onModuleInit(): void {
    this.handlers.register(EMAIL_CHANGE_JOB, (job) => this.runRequest(job));
  }

  /** Queues the request: whether the address is taken shows neither in the answer nor in its timing. */
  async requestEmailChange(username: string, email: string): Promise<AcceptedResponseDto> {
    // Over the new address's budget: the same answer, and nothing queued (see MailBudget).
    if (!(await this.budget.allow('email-change', email))) return REQUEST_ACCEPTED;
    await this.queue.enqueue(EMAIL_CHANGE_JOB, { username, email });
    this.audit.record('email-change.requested', { username });
    return REQUEST_ACCEPTED;
  }

  /**
   * The job: a free address gets a confirmation link (replacing any earlier request); a taken one
   * gets a short notice to its owner instead, and nothing changes.
   */
  async runRequest({ username, email }: EmailChangeJob): Promise<void> {
    await this.addresses.withAddress(email, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) return undefined;
        throw error;
      });
      if (!account || account.state !== 'active' || account.email === email) return;
      const [holder] = await this.addresses.holders(email, username);
      if (holder) return this.noticeTaken(username, email, holder.locale);
      const token = generateSecret();
      const expiresAt = new Date(this.clock.now().getTime() + this.links.emailConfirmationTtlMs);
      await this.cognito.storePendingEmailChange(
        username,
        email,
        sealEmailChange(token, username, email, expiresAt),
      );
      const confirmUrl = buildLink(this.links.emailConfirmation, { username, token });
      await this.mail.send({
        to: email,
        template: 'email-change',
        locale: account.locale,
        context: { confirmUrl },
      });
      this.audit.record('email-change.confirmation-sent', { username });
    });
  }

  /**
   * Swaps the address in when the link opens the pending change (its token, this account, this
   * address, not expired) and nobody else holds the address or was just given it: of two confirmations
   * for one address, the first wins and the second gets 409.
   */
  confirmEmailChange(username: string, token: string): Promise<{ email: string }> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) throw new InvalidConfirmationLinkError({ cause: error });
        throw error;
      });
      const pending = openEmailChange(account, token, this.clock.now());
      if (!pending || account.state !== 'active') {
        // Leftovers of a confirmation whose clean-up never ran: remove them now, quietly.
        if (isSpent(account)) await this.cleanUpPending(username);
        throw new InvalidConfirmationLinkError();
      }
      await this.addresses.withAddress(pending.email, async () => {
        if ((await this.addresses.holders(pending.email, username)).length > 0) throw new EmailTakenError();
        // One call makes the swap and spends the secret (a tombstone no token matches); a failure
        // before it changes nothing, and the link can be followed again.
        await this.cognito.applyEmailChange(username, pending.email, SPENT);
        await this.addresses.claim(pending.email, username);
      });
      this.audit.record('email-change.confirmed', { username });
      await this.cleanUpPending(username);
      await this.noticeToOldAddress(account, pending.email);
      return { email: pending.email };
    });
  }

  /** Drops a pending change; its link stops working. Nothing pending is fine too; a confirmation never interleaves. */
  cancelEmailChange(username: string): Promise<void> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username);
      if (await this.cognito.clearPendingEmailChange(username, account)) {
        this.audit.record('email-change.cancelled', { username });
      }
    });
  }

  private async noticeTaken(username: string, email: string, locale?: string): Promise<void> {
    const { count } = await this.counters.increment(`notice:email-taken:${email}`, 3_600_000);
    if (count > TAKEN_NOTICES_PER_HOUR) return;
    await this.mail.send({ to: email, template: 'email-taken', locale, context: {} });
    this.audit.record('email-change.address-taken', { username });
  }

  /**
   * The change is made and its secret spent by now; the leftovers are inert (an unreadable secret is
   * no pending change), so failing to remove them must not fail the confirmation the user would then
   * retry in vain. The next change request overwrites them, a cancel removes them.
   */
  private async cleanUpPending(username: string): Promise<void> {
    try {
      await this.cognito.clearPendingEmailChange(username);
    } catch (error) {
      this.logger.warn(`Pending-change attributes of ${username} left in place: ${(error as Error).name}`);
    }
  }

  /**
   * The change has happened by now, so a failure here must not turn it into an error the user
   * would retry (the link is spent): it is logged for operators instead. The notice carries a "this
   * wasn't me" link when its record could be stored, and goes without it otherwise.
   */
  private async noticeToOldAddress(
    { username, email: oldEmail, locale }: Account,
    newEmail: string,
  ): Promise<void> {
    if (!oldEmail || oldEmail === newEmail) return;
    let restore: RestoreLink | undefined;
    try {
      restore = await this.restores.issueLink(username, oldEmail);
    } catch (error) {
      this.logger.warn(`No "this wasn't me" link for ${username}: ${(error as Error).name}`);
    }
    try {
      await this.mail.send({
        to: oldEmail,
        template: 'email-changed',
        locale,
        context: { newEmail, ...restore },
      });
      this.audit.record('email-change.notice-sent', { username });
    } catch (error) {
      this.logger.warn(`Email-changed notice not sent for ${username}: ${(error as Error).name}`);
    }
  }
}
