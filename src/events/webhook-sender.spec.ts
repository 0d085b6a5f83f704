import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { CapturedLogs } from '../../test/support/captured-logs';
import { EventSinkUnavailableError } from '../common/errors';
import { accountEvent } from './account-event';
import { loggableUrl, WebhookSender } from './webhook-sender';

const NEW = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const OLD = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const event = accountEvent(
  'account.disabled',
  { username: 'u-1', sub: 's-1', email: 'jane@example.com', emailVerified: true, state: 'active' },
  new Date('2026-12-05T03:00:00Z'),
);

describe('WebhookSender: signed, and careful with what it talks to', () => {
  let server: Server;
  let answer: (request: IncomingMessage, response: ServerResponse, body: string) => void;
  let url: string;
  let logs: CapturedLogs;
  const warnings = () => logs.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.text);

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => answer(request, response, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks?token=receiver-credential`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    logs = new CapturedLogs();
    Logger.overrideLogger(logs);
  });
  afterEach(() => {
    Logger.overrideLogger(false);
  });

  const sender = (options: Partial<ConstructorParameters<typeof WebhookSender>[0]> = {}) =>
    new WebhookSender({ secrets: [NEW, OLD], timeoutMs: 500, allowLoopbackHttp: true, ...options });

  it('signs with every secret: a receiver holding either one verifies the same body', async () => {
    const seen: { body: string; headers: Record<string, string> }[] = [];
    answer = (request, response, body) => {
      seen.push({ body, headers: request.headers as Record<string, string> });
      response.writeHead(204).end();
    };
    await sender().send({ url, events: ['*'] }, event);
    const [{ body, headers }] = seen;
    expect(headers['webhook-id']).toBe(event.id);
    expect(new Webhook(NEW).verify(body, headers)).toEqual(event);
    expect(new Webhook(OLD).verify(body, headers)).toEqual(event);
  });

  it.each([
    ['a redirect, not followed', 302],
    ['a server error', 500],
    ['a refusal', 400],
  ])('%s is a failure to retry, logged without the query', async (_name, status) => {
    answer = (_request, response) =>
      response.writeHead(status, { location: 'https://elsewhere.test/' }).end();
    await expect(sender().send({ url, events: ['*'] }, event)).rejects.toBeInstanceOf(
      EventSinkUnavailableError,
    );
    expect(warnings().join('\n')).toContain(`answered ${status}`);
    expect(warnings().join('\n')).not.toContain('receiver-credential');
  });

  it('gives up on a receiver that does not answer in time', async () => {
    answer = () => {};
    await expect(sender({ timeoutMs: 100 }).send({ url, events: ['*'] }, event)).rejects.toBeInstanceOf(
      EventSinkUnavailableError,
    );
    expect(warnings().join('\n')).toContain('timed out');
  });

  it('reads no more than a few kB of an answer', async () => {
    answer = (_request, response) => {
      response.writeHead(200);
      // An endless body: the sender stops reading and takes the status.
      const timer = setInterval(() => response.write(Buffer.alloc(16_384)), 1);
      response.on('close', () => clearInterval(timer));
    };
    await expect(sender().send({ url, events: ['*'] }, event)).resolves.toBeUndefined();
  });

  it('refuses plain HTTP unless allowed for loopback', async () => {
    await expect(sender({ allowLoopbackHttp: false }).send({ url, events: ['*'] }, event)).rejects.toThrow(
      'is not https',
    );
    expect(loggableUrl(url)).not.toContain('?');
  });
});
