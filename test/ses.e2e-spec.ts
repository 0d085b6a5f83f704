import {
  CreateConfigurationSetCommand,
  CreateEmailIdentityCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { simpleParser } from 'mailparser';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { DEFAULT_REGION, signInFrontend, TEST_CREDENTIALS } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX, TEST_MAIL_FROM } from './support/env';
import { linkParams, TEST_PASSWORD } from './support/flows';
import { startStack, type TestStack } from './support/stack';
import { until } from './support/until';

interface MotoRawMessage {
  id: string;
  source: string;
  destinations: string[];
  raw_data: string;
}

/** Forwards every request to moto and keeps the SES API calls' bodies (moto keeps no configuration set or tags). */
async function recordingProxy(
  target: string,
): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    void buffer(req).then((body) => {
      if (req.url?.startsWith('/v2/email/outbound-emails')) bodies.push(JSON.parse(body.toString('utf8')));
      const upstream = request(
        new URL(req.url ?? '/', target),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('mail through SES v2 (moto)', () => {
  let stack: TestStack;
  let app: NestFastifyApplication;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  beforeAll(async () => {
    stack = await startStack();
    const ses = new SESv2Client({
      endpoint: stack.moto.endpoint,
      region: DEFAULT_REGION,
      credentials: TEST_CREDENTIALS,
    });
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.test' }));
    await ses.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'accounts-e2e' }));
    ses.destroy();
    proxy = await recordingProxy(stack.moto.endpoint);
    ({ app } = await stack.bootApp({
      env: {
        MAIL_TRANSPORT: 'ses',
        SMTP_URL: '',
        SES_CONFIGURATION_SET: 'accounts-e2e',
        SES_TAGS: 'app=accounts,env=e2e',
        // The SDK's own endpoint override for SES v2: the service has no setting of its own for it.
        AWS_ENDPOINT_URL_SESV2: proxy.url,
      },
    }));
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
  });

  /** The messages moto's SES has accepted, as its state dump lists them. */
  async function sentTo(address: string, timeoutMs = 10_000): Promise<MotoRawMessage[]> {
    for (const deadline = Date.now() + timeoutMs; ;) {
      const state = (await (await fetch(`${stack.moto.endpoint}/moto-api/data.json`)).json()) as {
        ses?: { RawMessage?: MotoRawMessage[] };
      };
      const found = (state.ses?.RawMessage ?? []).filter((m) => m.destinations.includes(address));
      if (found.length > 0 || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('sends the activation mail as one multipart message, with the configuration set and tags, and its link works', async () => {
    const email = `ses.${Date.now()}@example.test`;
    const signup = await app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
    expect(signup.statusCode).toBe(202);

    const [sent] = await sentTo(email);
    expect(sent?.source).toBe(TEST_MAIL_FROM);
    const mail = await simpleParser(sent?.raw_data ?? '');
    expect(mail.subject).toBe('Finish creating your account');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.html).toContain(ACTIVATION_LINK_PREFIX);
    expect(mail.text).toContain(ACTIVATION_LINK_PREFIX);
    expect(stack.smtp.mailsTo(email)).toHaveLength(0);

    expect(proxy.bodies).toContainEqual(
      expect.objectContaining({
        ConfigurationSetName: 'accounts-e2e',
        EmailTags: [
          { Name: 'app', Value: 'accounts' },
          { Name: 'env', Value: 'e2e' },
        ],
        Destination: { ToAddresses: [email] },
      }),
    );

    const { username, token } = linkParams(mail.text, ACTIVATION_LINK_PREFIX);
    const done = await app.inject({
      method: 'POST',
      url: '/accounts/signup/complete',
      payload: { username, token, password: TEST_PASSWORD },
    });
    expect(done.statusCode).toBe(200);
    await expect(signInFrontend(stack.pool, username, TEST_PASSWORD)).resolves.toHaveProperty('AccessToken');
  });

  it('SES refusing the message: the signup is still accepted, and its job keeps retrying the mail', async () => {
    // moto refuses a sender whose identity is not verified, as SES does.
    const { app: unverified, logs } = await stack.bootApp({
      env: {
        MAIL_TRANSPORT: 'ses',
        MAIL_FROM: 'Someone <someone@unverified.test>',
        AWS_ENDPOINT_URL_SESV2: stack.moto.endpoint,
      },
    });
    const res = await unverified.inject({
      method: 'POST',
      url: '/accounts/signup',
      payload: { email: `refused.${Date.now()}@example.test` },
    });
    expect(res.statusCode).toBe(202);
    const refused = () =>
      logs.text.match(/Job signup \S+ run \d+ failed \(MailUnavailableError/g)?.length ?? 0;
    await until('the job was refused twice', () => refused() >= 2);
    await unverified.close();
  });
});
