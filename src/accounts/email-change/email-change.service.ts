import { Injectable } from '@nestjs/common';
import { UserNotFoundError } from '../../common/errors';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { defineJob } from '../../jobs/job';
import { JobHandler } from '../../jobs/job-handler.decorator';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import { AddressRegistry, keepsAddress } from '../address-registry';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { LinkIssuer } from '../links';
import { MailRequests } from '../mail-requests';
import { sealEmailChange } from './pending-email-change';

/** The same whether or not the address is free: a signed-in user cannot test addresses with it. */
const REQUEST_ACCEPTED: AcceptedResponseDto = {
  message: 'If the new address can be used, a confirmation link is on its way to it.',
};

export interface EmailChangeJob {
  username: string;
  email: string;
}

/** Run by `EmailChangeService.runRequest`. */
export const EMAIL_CHANGE_JOB = defineJob<EmailChangeJob>('email-change');

/**
 * Asking for an email change without lock-out: the new address waits beside the account's email
 * (see pending-email-change.ts), and `email` changes only when the link mailed to the new address is
 * followed (EmailConfirmationService). Until then sign-in and password reset keep working with the
 * old address.
 */
@Injectable()
export class EmailChangeService {
  constructor(
    private readonly requests: MailRequests,
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly links: LinkIssuer,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
  ) {}

  /** Queues the request: whether the address is taken shows neither in the answer nor in its timing. */
  async requestEmailChange(username: string, email: string): Promise<AcceptedResponseDto> {
    await this.requests.enqueueSignedIn('email-change', email, EMAIL_CHANGE_JOB, { username, email });
    this.audit.record('email-change.requested', { username });
    return REQUEST_ACCEPTED;
  }

  /**
   * The job, and every mail of it. The pending change is stored either way (replacing any earlier
   * request), so the profile shows the same for a free and a taken address. A free address (or one
   * held only by an invitation nobody activated: confirming proves the mailbox and withdraws it) gets
   * the confirmation link; a taken one gets a short notice to its owner instead, and the link is never
   * sent: that change can only expire or be cancelled.
   */
  @JobHandler(EMAIL_CHANGE_JOB)
  async runRequest({ username, email }: EmailChangeJob): Promise<void> {
    await this.addresses.withAddress(email, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) return undefined;
        throw error;
      });
      if (!account || account.state !== 'active' || account.email === email) return;
      const [holder] = await this.addresses.holders(email, username);
      const { token, url, expiresAt } = this.links.issue('emailConfirmation', username);
      await this.cognito.storePendingEmailChange(
        username,
        email,
        sealEmailChange(token, username, email, expiresAt, account.email ?? ''),
      );
      if (holder && keepsAddress(holder)) return this.noticeTaken(username, email, holder.locale);
      await this.mail.send({
        to: email,
        template: 'email-change',
        locale: account.locale,
        context: { confirmUrl: url },
      });
      this.audit.record('email-change.confirmation-sent', { username });
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

  /**
   * To the address's owner: someone tried to move onto it. Not counted again: the request counted
   * one mail to this mailbox, whichever one its job sends, so the count never depends on whether
   * the address is taken.
   */
  private async noticeTaken(username: string, email: string, locale?: string): Promise<void> {
    await this.mail.send({ to: email, template: 'email-taken', locale, context: {} });
    this.audit.record('email-change.address-taken', { username });
  }
}
