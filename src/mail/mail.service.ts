import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { MailerService } from '@nestjs-modules/mailer';
import { MailUnavailableError } from '../common/errors';
import { Metrics } from '../metrics/metrics';
import { MailRenderer } from './mail-renderer';
import { MailMessage, MailTemplate } from './mail.types';

export type { MailContexts, MailMessage, MailTemplate } from './mail.types';

@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly mailer: MailerService,
    private readonly renderer: MailRenderer,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null,
  ) {}

  /**
   * Sends one multipart/alternative message, subject, HTML and text part rendered by MailRenderer in
   * the recipient's locale. No `context` goes to the mailer: it would substitute `{{key}}` in the
   * finished subject and HTML a second time.
   * @throws MailUnavailableError when the SMTP server cannot be reached or refuses the message.
   */
  async send<T extends MailTemplate>(message: MailMessage<T>): Promise<void> {
    const { subject, html, text } = this.renderer.render(message.template, message.locale, message.context);
    try {
      await this.mailer.sendMail({ to: message.to, subject, html, text });
      this.metrics?.mailsSent.inc();
    } catch (error) {
      this.metrics?.mailsFailed.inc();
      // The context holds secret links: log which mail failed and why, never what it contained.
      this.logger.error(`Could not send the "${message.template}" mail: ${failureReason(error)}`);
      throw new MailUnavailableError({ cause: error });
    }
  }
}

/** nodemailer's code (ECONNECTION, EENVELOPE, ...) and message; duck-typed, as socket errors may come from another realm. */
function failureReason(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' ? `${code} ${text}` : text;
}
