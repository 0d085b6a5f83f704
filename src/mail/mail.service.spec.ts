import { AddressInfo, createServer } from 'node:net';
import { DynamicModule, LoggerService } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Test, TestingModule } from '@nestjs/testing';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { MailUnavailableError } from '../common/errors';
import { mailConfig } from '../config/configuration';
import { hrefs } from './hrefs.fixture';
import { MailModule } from './mail.module';
import { MailService } from './mail.service';

const FROM = 'Cognito Accounts <no-reply@accounts.example.com>';
const LINK = 'https://app.example.com/activate?u=a&t=b';

/** The one piece of the environment MailModule reads, provided the way AppConfigModule does: globally. */
function mailConfigFor(smtpUrl: string): DynamicModule {
  const config: ConfigType<typeof mailConfig> = {
    transport: 'smtp',
    smtpUrl,
    from: FROM,
    timeoutMs: 5_000,
    ses: { region: 'eu-west-1', configurationSet: undefined, tags: [] },
  };
  return {
    module: class MailConfigForTests {},
    global: true,
    providers: [{ provide: mailConfig.KEY, useValue: config }],
    exports: [mailConfig.KEY],
  };
}

class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];

  log(): void {}

  warn(message: unknown): void {
    this.warnings.push(String(message));
  }

  error(message: unknown): void {
    this.lines.push(String(message));
  }
}

async function startMailModule(smtpUrl: string, logger: RecordingLogger): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [mailConfigFor(smtpUrl), MailModule] })
    .setLogger(logger)
    .compile();
  return moduleRef.init();
}

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

describe('MailService', () => {
  const received: ParsedMail[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('unknown@')) {
        return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  let smtpUrl: string;
  let moduleRef: TestingModule;
  let mail: MailService;
  let logger: RecordingLogger;

  beforeAll(async () => {
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(resolve)));

  beforeEach(async () => {
    received.length = 0;
    logger = new RecordingLogger();
    moduleRef = await startMailModule(smtpUrl, logger);
    mail = moduleRef.get(MailService);
  });
  afterEach(() => moduleRef.close());

  it('sends one multipart/alternative message with the link in both parts', async () => {
    await mail.send({ to: 'new.user@example.com', template: 'activation', context: { activationUrl: LINK } });

    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(message.from?.value).toEqual([
      { name: 'Cognito Accounts', address: 'no-reply@accounts.example.com' },
    ]);
    expect(message.to).toMatchObject({ text: 'new.user@example.com' });
    expect(message.subject).toBe('Finish creating your account');
    expect(message.text).toContain(`Choose a password:\n${LINK}\n`);
    expect(message.text).not.toMatch(/<[a-z/!][^>]*>|&amp;/i);

    const html = String(message.html);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>Finish creating your account</title>');
    expect(hrefs(html)).toEqual([LINK, LINK]);
    expect(html).toContain('expires in 7 days');
  });

  it('inlines the layout CSS and leaves no style sheet behind', async () => {
    await mail.send({ to: 'new.user@example.com', template: 'activation', context: { activationUrl: LINK } });

    const html = String(received[0].html);
    expect(html).not.toContain('<style');
    expect(html).toMatch(/<a class="button"[^>]*href="[^"]+"[^>]*style="[^"]*background-color: #1d4ed8/);
  });

  it('writes in German to a de-AT recipient, subject included', async () => {
    await mail.send({
      to: 'neu@example.com',
      template: 'email-change',
      locale: 'de-AT',
      context: { confirmUrl: LINK },
    });

    const [message] = received;
    expect(message.subject).toBe('Bestätigen Sie Ihre neue E-Mail-Adresse');
    expect(message.text).toContain(`E-Mail-Adresse bestätigen:\n${LINK}\n`);
    expect(message.text).toContain('24 Stunden');
    const html = String(message.html);
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('24 Stunden');
    expect(hrefs(html)).toEqual([LINK, LINK]);
  });

  it('falls back to English for a locale without templates', async () => {
    await mail.send({
      to: 'old@example.com',
      template: 'email-changed',
      locale: 'fr',
      context: { newEmail: 'new&shiny@example.com' },
    });

    const [message] = received;
    expect(message.subject).toBe('Your email address was changed');
    expect(message.text).toContain('was changed to new&shiny@example.com.');
    expect(String(message.html)).toContain('<strong>new&amp;shiny@example.com</strong>');
  });

  it('sends "account-exists" without any link', async () => {
    await mail.send({ to: 'taken@example.com', template: 'account-exists', locale: 'de', context: {} });

    const [message] = received;
    expect(message.subject).toBe('Sie haben bereits ein Konto');
    expect(message.text).toContain('„Passwort vergessen“');
    expect(hrefs(String(message.html))).toEqual([]);
  });

  it('turns a refused recipient into MailUnavailableError and logs no link', async () => {
    const sending = mail.send({
      to: 'unknown@example.com',
      template: 'activation',
      context: { activationUrl: LINK },
    });

    const error: unknown = await sending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailUnavailableError);
    expect((error as MailUnavailableError).cause).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    expect(received).toHaveLength(0);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^Could not send the "activation" mail: EENVELOPE .*550/);
    expect(logger.lines.join('\n')).not.toContain('app.example.com');
  });

  it('turns an unreachable SMTP server into MailUnavailableError within seconds', async () => {
    const deadLogger = new RecordingLogger();
    const deadModule = await startMailModule(`smtp://127.0.0.1:${await closedPort()}`, deadLogger);
    try {
      const started = Date.now();
      const error: unknown = await deadModule
        .get(MailService)
        .send({ to: 'new.user@example.com', template: 'activation', context: { activationUrl: LINK } })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MailUnavailableError);
      expect((error as MailUnavailableError).cause).toMatchObject({ code: 'ESOCKET' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(deadLogger.lines).toEqual([
        expect.stringMatching(/^Could not send the "activation" mail: ESOCKET .*ECONNREFUSED/),
      ]);
    } finally {
      await deadModule.close();
    }
  });
});
