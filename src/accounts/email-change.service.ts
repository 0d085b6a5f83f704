import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { EmailTakenError, InvalidConfirmationLinkError, UserNotFoundError } from '../common/errors';
import { generateSecret } from '../common/secrets';
import { CognitoService } from '../cognito/cognito.service';
import { VERIFICATION_ATTRIBUTE } from '../cognito/attributes';
import { linksConfig } from '../config/configuration';
import { MailService } from '../mail/mail.service';
import { AttemptLimiter } from '../rate-limit/attempt-limiter';
import { AuditLog } from '../logging/audit-log';
import { sealVerification, tokenMatches } from './email-verification';
import { buildLink } from './links';
import { PENDING_ATTRIBUTES, PENDING_EMAIL_ATTRIBUTE, pendingEmailChange } from './pending-email';

/**
 * Self-service email change without lock-out: the new address waits in `preferred_username` (not
 * an alias, so nobody signs in with it) with a hashed secret beside it; `email` changes only when
 * the link mailed to the new address is followed. Until then sign-in and password reset keep
 * working with the old address.
 */
/** What the verification attribute holds between a confirmation and the clean-up call after it. */
const SPENT = 'spent';

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
  async requestChange(username: string, email: string): Promise<void> {
    await this.assertAddressFree(email);
    const token = generateSecret();
    const expiresAt = new Date(this.clock.now().getTime() + this.links.emailConfirmationTtlMs);
    // Only for the mail's language: a profile read of moments ago will do.
    const { attributes } = await this.cognito.getRecentUser(username);
    await this.cognito.updateAttributes(username, {
      [PENDING_EMAIL_ATTRIBUTE]: email,
      [VERIFICATION_ATTRIBUTE]: sealVerification(token, expiresAt),
    });
    this.audit.record('email-change.requested', { username });
    const confirmUrl = buildLink(this.links.emailConfirmation, { username, token });
    await this.mail.send({
      to: email,
      template: 'email-change',
      locale: attributes.locale,
      context: { confirmUrl },
    });
    this.audit.record('email-change.confirmation-sent', { username });
  }

  /**
   * Swaps the address in when the link's secret matches and has not expired, and the address is
   * still free: the first confirmation of a contested address wins, the second gets 409.
   */
  async confirmChange(username: string, token: string): Promise<{ email: string }> {
    await this.attempts.assertAllowed('confirmation', username);
    const user = await this.cognito.getUser(username).catch(async (error: unknown) => {
      if (!(error instanceof UserNotFoundError)) throw error;
      await this.attempts.recordFailure('confirmation', username);
      throw new InvalidConfirmationLinkError({ cause: error });
    });
    const pending = pendingEmailChange(user.attributes, this.clock.now());
    if (!pending || !tokenMatches(pending.verification, token)) {
      await this.attempts.recordFailure('confirmation', username);
      // Leftovers of a confirmation whose clean-up never ran: remove them now, quietly.
      if (user.attributes[VERIFICATION_ATTRIBUTE] === SPENT) await this.cleanUpPending(username);
      throw new InvalidConfirmationLinkError();
    }
    await this.assertAddressFree(pending.email, username);

    // One call makes the swap and spends the secret (a tombstone no token matches); a failure before
    // it changes nothing, and the link can be followed again.
    await this.cognito.updateAttributes(username, {
      email: pending.email,
      email_verified: 'true',
      [VERIFICATION_ATTRIBUTE]: SPENT,
    });
    this.audit.record('email-change.confirmed', { username });
    await this.cleanUpPending(username);
    await this.noticeToOldAddress(username, user.attributes, pending.email);
    return { email: pending.email };
  }

  /** Drops a pending change; its link stops working. Nothing pending is fine too. */
  async cancelChange(username: string): Promise<void> {
    const { attributes } = await this.cognito.getUser(username);
    // Only what is there: deleting an attribute a user does not have is an error in moto.
    const present = PENDING_ATTRIBUTES.filter((name) => name in attributes);
    if (present.length === 0) return;
    await this.cognito.deleteAttributes(username, present);
    this.audit.record('email-change.cancelled', { username });
  }

  /**
   * The change is made and its secret spent by now; the leftovers are inert (an unreadable secret is
   * no pending change), so failing to remove them must not fail the confirmation the user would then
   * retry in vain. The next change request overwrites them, a cancel removes them.
   */
  private async cleanUpPending(username: string): Promise<void> {
    try {
      await this.cognito.deleteAttributes(username, PENDING_ATTRIBUTES);
    } catch (error) {
      this.logger.warn(`Pending-change attributes of ${username} left in place: ${(error as Error).name}`);
    }
  }

  /** 409 when any other account has the address as its email. */
  private async assertAddressFree(email: string, except?: string): Promise<void> {
    const holders = await this.cognito.findUsersByEmail(email);
    if (holders.some((user) => user.username !== except)) throw new EmailTakenError();
  }

  /**
   * The change has happened by now, so a mail failure must not turn it into an error the user
   * would retry (the link is spent): it is logged for operators instead.
   */
  private async noticeToOldAddress(
    username: string,
    { email: oldEmail, locale }: Record<string, string>,
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
