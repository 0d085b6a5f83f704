import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { MailerModule, MailerOptions } from '@nestjs-modules/mailer';
import type { MailDefaults } from 'nodemailer';
import { HandlebarsAdapter } from '@nestjs-modules/mailer/adapters/handlebars.adapter';
import { mailConfig } from '../config/configuration';
import { findTemplatesDir, HTML_LAYOUT, MailRenderer, PARTIALS_DIR } from './mail-renderer';
import { MailService } from './mail.service';

function mailerOptions({ smtpUrl, from, timeoutMs }: ConfigType<typeof mailConfig>): MailerOptions {
  const templatesDir = findTemplatesDir();
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
    template: {
      dir: templatesDir,
      adapter: new HandlebarsAdapter(undefined, { inlineCssEnabled: true }),
      options: { strict: true },
    },
    options: { partials: { dir: join(templatesDir, PARTIALS_DIR) }, layout: HTML_LAYOUT },
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
