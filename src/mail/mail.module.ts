import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { MailerModule, MailerOptions } from '@nestjs-modules/mailer';
import type { MailDefaults } from 'nodemailer';
import { HandlebarsAdapter } from '@nestjs-modules/mailer/adapters/handlebars.adapter';
import { mailConfig } from '../config/configuration';
import { findTemplatesDir, HTML_LAYOUT, MailRenderer, PARTIALS_DIR } from './mail-renderer';
import { MailService } from './mail.service';

/** nodemailer waits minutes by default; a dead SMTP server should turn into a 503 within seconds. */
const SMTP_TIMEOUT_MS = 10_000;

function mailerOptions({ smtpUrl, from }: ConfigType<typeof mailConfig>): MailerOptions {
  const templatesDir = findTemplatesDir();
  // The mailer types `defaults` as transport options; nodemailer 10's own types keep message defaults
  // apart, so a literal `from` is rejected there although createTransport(transport, defaults) applies it.
  const defaults: MailDefaults = { from };
  return {
    transport: {
      url: smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
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
