import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../../common/clock';
import { EmailTakenError, InvalidConfirmationLinkError, UserNotFoundError } from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoService } from '../../cognito/cognito.service';
import { linksConfig } from '../../config/configuration';
import { MailService } from '../../mail/mail.service';
import { AttemptLimiter } from '../../rate-limit/attempt-limiter';
import { AuditLog } from '../../logging/audit-log';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { buildLink } from '../links';
import { isSpent, pendingEmailChange, sealVerification, SPENT, tokenMatches } from './pending-email-change';

const CONFIRMATION_SENT: AcceptedResponseDto = {
  message: 'A confirmation link is on its way to the new address.',
};

/**
 * Self-service email change without lock-out: the new address waits beside the account's email
 * (see pending-email-change.ts), and `email` changes only when the link mailed to the new address is
 * followed. Until then sign-in and password reset keep working with the old address.
 */
@Injectable()
export class EmailChangeService {
  private readonly logger = new Logger(EmailChangeService.name);

  constructor(
    private readonly cognito: CognitoService,
    private readonly mail: MailService,
    private readonly clock: Clock,
    private readonly attempts: AttemptLimiter,
    private readonly audit: AuditLog,
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
  ) {}

  /** Stores the new address and a fresh secret's hash (replacing any earlier request), then mails the link. */
  async requestEmailChange(username: string, email: string): Promise<AcceptedResponseDto> {
    await this.assertAddressFree(email);
    const token = generateSecret();
    const expiresAt = new Date(this.clock.now().getTime() + this.links.emailConfirmationTtlMs);
    // Only for the mail's language: a profile read of moments ago will do.
    const { locale } = await this.cognito.getRecentAccount(username);
    await this.cognito.storePendingEmailChange(username, email, sealVerification(token, expiresAt));
    this.audit.record('email-change.requested', { username });
    const confirmUrl = buildLink(this.links.emailConfirmation, { username, token });
    await this.mail.send({ to: email, template: 'email-change', locale, context: { confirmUrl } });
    this.audit.record('email-change.confirmation-sent', { username });
    return CONFIRMATION_SENT;
  }

  /**
   * Swaps the address in when the link's secret matches and has not expired, and the address is
   * still free: the first confirmation of a contested address wins, the second gets 409.
   */
  async confirmEmailChange(username: string, token: string): Promise<{ email: string }> {
    await this.attempts.assertAllowed('confirmation', username);
    const account = await this.cognito.getAccount(username).catch(async (error: unknown) => {
      if (!(error instanceof UserNotFoundError)) throw error;
      await this.attempts.recordFailure('confirmation', username);
      throw new InvalidConfirmationLinkError({ cause: error });
    });
    const pending = pendingEmailChange(account, this.clock.now());
    if (!pending || !tokenMatches(pending.verification, token)) {
      await this.attempts.recordFailure('confirmation', username);
      // Leftovers of a confirmation whose clean-up never ran: remove them now, quietly.
      if (isSpent(account)) await this.cleanUpPending(username);
      throw new InvalidConfirmationLinkError();
    }
    await this.assertAddressFree(pending.email, username);

    // One call makes the swap and spends the secret (a tombstone no token matches); a failure before
    // it changes nothing, and the link can be followed again.
    await this.cognito.applyEmailChange(username, pending.email, SPENT);
    this.audit.record('email-change.confirmed', { username });
    await this.cleanUpPending(username);
    await this.noticeToOldAddress(account, pending.email);
    return { email: pending.email };
  }

  /** Drops a pending change; its link stops working. Nothing pending is fine too. */
  async cancelEmailChange(username: string): Promise<void> {
    const account = await this.cognito.getAccount(username);
    if (await this.cognito.clearPendingEmailChange(username, account)) {
      this.audit.record('email-change.cancelled', { username });
    }
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

  /** 409 when any other account has the address as its email. */
  private async assertAddressFree(email: string, except?: string): Promise<void> {
    const holders = await this.cognito.findAccountsByEmail(email);
    if (holders.some((account) => account.username !== except)) throw new EmailTakenError();
  }

  /**
   * The change has happened by now, so a mail failure must not turn it into an error the user
   * would retry (the link is spent): it is logged for operators instead.
   */
  private async noticeToOldAddress(
    { username, email: oldEmail, locale }: Account,
    newEmail: string,
  ): Promise<void> {
    if (!oldEmail || oldEmail === newEmail) return;
    try {
      await this.mail.send({ to: oldEmail, template: 'email-changed', locale, context: { newEmail } });
      this.audit.record('email-change.notice-sent', { username });
    } catch (error) {
      this.logger.warn(`Email-changed notice not sent for ${username}: ${(error as Error).name}`);
    }
  }
}
