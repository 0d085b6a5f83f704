import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { MailerModule, MailerOptions } from '@nestjs-modules/mailer';
import type { MailDefaults } from 'nodemailer';
import { mailConfig } from '../config/configuration';
import { findTemplatesDir, MailRenderer } from './mail-renderer';
import { MailService } from './mail.service';

type MailConfig = ConfigType<typeof mailConfig>;

/** The mailer only sends: MailRenderer has already rendered subject, HTML and text. */
async function mailerOptions(config: MailConfig): Promise<MailerOptions> {
  const { transport, smtpUrl, from, timeoutMs } = config;
  // The mailer types `defaults` as transport options; nodemailer 10's own types keep message defaults
  // apart, so a literal `from` is rejected there although createTransport(transport, defaults) applies it.
  const defaults: MailDefaults = { from };
  if (transport === 'ses') return sesOptions(config, defaults);
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

/**
 * Amazon SES v2 through nodemailer's SES transport: the same MIME message as over SMTP, sent with
 * SendEmail (raw content). The SDK is loaded only here, so SMTP deployments never pay for it; it finds
 * its credentials and an endpoint override (AWS_ENDPOINT_URL_SES) on its own.
 */
async function sesOptions({ timeoutMs, ses }: MailConfig, defaults: MailDefaults): Promise<MailerOptions> {
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  const sesClient = new SESv2Client({
    region: ses.region,
    maxAttempts: 3,
    requestHandler: {
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      httpsAgent: { keepAlive: true },
    },
  });
  return {
    transport: { SES: { sesClient, SendEmailCommand } },
    // Merged into every message's SendEmail input by the transport.
    defaults: {
      ...defaults,
      ses: {
        ...(ses.configurationSet ? { ConfigurationSetName: ses.configurationSet } : {}),
        ...(ses.tags.length > 0 ? { EmailTags: ses.tags } : {}),
      },
    } as MailDefaults,
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
