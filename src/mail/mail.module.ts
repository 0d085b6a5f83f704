import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { MailerModule, MailerOptions } from '@nestjs-modules/mailer';
import type { MailDefaults } from 'nodemailer';
import { mailConfig } from '../config/configuration';
import { findTemplatesDir, MailRenderer } from './mail-renderer';
import { MailService } from './mail.service';

/** The mailer only sends: MailRenderer has already rendered subject, HTML and text. */
function mailerOptions({ smtpUrl, from, timeoutMs }: ConfigType<typeof mailConfig>): MailerOptions {
  // The mailer types `defaults` as transport options; nodemailer 10's own types keep message defaults
  // apart, so a literal `from` is rejected there although createTransport(transport, defaults) applies it.
  const defaults: MailDefaults = { from };
  return {
    // nodemailer waits minutes by default; a dead SMTP server should turn into a 503 within seconds.
    // Pooled: connections to the mail server are kept open and reused between messages.
    transport: {
      url: smtpUrl,
      pool: true,
      maxConnections: 5,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    },
    defaults,
  };
}

@Module({
  imports: [
    MailerModule.forRootAsync({
      imports: [ConfigModule],
      inject: [mailConfig.KEY],
      useFactory: mailerOptions,
    }),
  ],
  providers: [{ provide: MailRenderer, useFactory: () => new MailRenderer(findTemplatesDir()) }, MailService],
  exports: [MailService],
})
export class MailModule {}
