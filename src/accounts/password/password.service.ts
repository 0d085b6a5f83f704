import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../../common/clock';
import {
  InvalidPasswordError,
  InvalidResetLinkError,
  PasswordReusedError,
  UserNotFoundError,
} from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoService } from '../../cognito/cognito.service';
import { linksConfig } from '../../config/configuration';
import { defineJob } from '../../jobs/job';
import { JobHandlers, JobQueue } from '../../jobs/job-queue';
import { AuditLog } from '../../logging/audit-log';
import { MailBudget } from '../../rate-limit/mail-budget';
import { MailService } from '../../mail/mail.service';
import { AddressRegistry } from '../address-registry';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { buildLink } from '../links';
import { SessionsService, subOf } from '../sessions/sessions.service';
import { InvitationsService } from '../signup/invitations.service';
import { opensPasswordReset, sealPasswordReset } from './password-reset-link';
import { refusedPasswordMessage } from './password-rules';

/** Byte-identical for every address: the answer never tells whether an account uses it. */
const ACCEPTED: AcceptedResponseDto = {
  message: 'If this address can receive email, a message is on its way.',
};

export interface ForgotPasswordJob {
  email: string;
}

export const FORGOT_PASSWORD_JOB = defineJob<ForgotPasswordJob>('forgot-password');

/**
 * Password reset on the service's own mails, instead of Cognito's ForgotPassword code: the request
 * only queues (same answer and timing for every address); the job mails an active account a link
 * whose seal waits on the account (password-reset-link.ts), a not yet activated one a further
 * activation link, and nothing to a disabled account or an unknown address. `email_verified` stays
 * true throughout, so Cognito's own ForgotPassword keeps working for apps that use it.
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  constructor(
    private readonly cognito: CognitoService,
    private readonly addresses: AddressRegistry,
    private readonly invitations: InvitationsService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly queue: JobQueue,
    private readonly handlers: JobHandlers,
    private readonly audit: AuditLog,
    private readonly budget: MailBudget,
    private readonly clock: Clock,
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
  ) {}

  onModuleInit(): void {
    this.handlers.register(FORGOT_PASSWORD_JOB, (job, { id }) => this.runForgot(job, id));
  }

  async forgotPassword(email: string): Promise<AcceptedResponseDto> {
    // Over the address's budget: the same answer, and nothing queued (see MailBudget).
    if (!(await this.budget.allow('password-reset', email))) return ACCEPTED;
    await this.queue.enqueue(FORGOT_PASSWORD_JOB, { email });
    return ACCEPTED;
  }

  /** The job: under the address's lock, on consistent reads of whoever holds it. */
  async runForgot({ email }: ForgotPasswordJob, id: string): Promise<void> {
    await this.addresses.withAddress(email, async () => {
      const [owner] = await this.addresses.holders(email);
      if (!owner) return;
      this.audit.record('password-reset.requested', { username: owner.username, account: owner.state });
      switch (owner.state) {
        case 'active':
          return this.mailResetLink(owner);
        case 'invited':
          await this.invitations.mailLink(owner, owner.locale, id);
          return;
        case 'disabled':
          return;
      }
    });
  }

  /** A new reset link for an active account, mailed to `to` (its address unless told otherwise). */
  async mailResetLink(account: Account, to = account.email): Promise<void> {
    if (!to) return;
    const token = generateSecret();
    const expiresAt = new Date(this.clock.now().getTime() + this.links.passwordResetTtlMs);
    await this.cognito.storePasswordResetSecret(
      account.username,
      sealPasswordReset(token, account.username, expiresAt),
    );
    const resetUrl = buildLink(this.links.passwordReset, { username: account.username, token });
    const expiresInMinutes = String(Math.round(this.links.passwordResetTtlMs / 60_000));
    await this.mail.send({
      to,
      template: 'password-reset',
      locale: account.locale,
      context: { resetUrl, expiresInMinutes },
    });
    this.audit.record('password-reset.sent', { username: account.username });
  }

  /**
   * Sets the new password from a reset link. The password first: a weak one changes nothing and the
   * link keeps working. Then every session ends, the link is spent, and the user is told.
   */
  async resetPassword(username: string, token: string, password: string): Promise<{ username: string }> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) return undefined;
        throw error;
      });
      if (!account || account.state !== 'active' || !opensPasswordReset(account, token, this.clock.now())) {
        throw new InvalidResetLinkError();
      }
      await this.cognito.setPassword(username, password).catch((error: unknown) => {
        if (error instanceof InvalidPasswordError && !(error instanceof PasswordReusedError)) {
          throw new InvalidPasswordError(refusedPasswordMessage(), { cause: error });
        }
        throw error;
      });
      // Sessions end before the link is spent: a failure in between leaves the link working, and
      // the user's retry does it all again.
      await this.sessions.endSessions(username, subOf(account));
      await this.cognito.clearPasswordResetSecret(username);
      this.audit.record('password-reset.completed', { username });
      await this.sessions.notify(account, 'password-changed');
      return { username };
    });
  }
}
