import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { until } from './until';

/** What a receiver got: the event as the standardwebhooks library verified it. */
export interface ReceivedEvent {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  data: {
    username: string;
    sub: string;
    account: { email: string | null; emailVerified: boolean; status: string };
    change?: { previousEmail: string; email: string };
  };
}

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * An app's webhook endpoint on loopback: verifies each delivery with the standardwebhooks library
 * (the receiver's side, not the service's code) against its secret, answers 503 while `down`.
 */
export class WebhookReceiver {
  /** Verified deliveries, duplicates included, in arrival order. */
  readonly deliveries: ReceivedEvent[] = [];
  /** Deliveries refused: a bad signature, or while down. */
  refused = 0;
  down = false;
  private server?: Server;

  constructor(readonly secret: string) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    // A query the service must never log: it stands for a receiver's credentials.
    return `http://127.0.0.1:${port}/hooks?key=receiver-credential`;
  }

  async start(): Promise<void> {
    const verifier = new Webhook(this.secret);
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (this.down) {
          this.refused += 1;
          return response.writeHead(503).end();
        }
        try {
          const event = verifier.verify(Buffer.concat(chunks).toString('utf8'), {
            'webhook-id': String(request.headers['webhook-id']),
            'webhook-timestamp': String(request.headers['webhook-timestamp']),
            'webhook-signature': String(request.headers['webhook-signature']),
          }) as ReceivedEvent;
          this.deliveries.push(event);
          response.writeHead(204).end();
        } catch {
          this.refused += 1;
          response.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  /**
   * Each event once, by id, in the order they happened: as a consumer applies them, since retries
   * deliver out of order (docs/events.md).
   */
  events(username?: string): ReceivedEvent[] {
    const seen = new Map<string, ReceivedEvent>();
    for (const event of this.deliveries) if (!seen.has(event.id)) seen.set(event.id, event);
    return [...seen.values()]
      .filter((event) => !username || event.data.username === username)
      .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  }

  types(username: string): string[] {
    return this.events(username).map((event) => event.type);
  }

  /** Waits for `count` events of the account (the assertion then checks they are exactly these). */
  async waitFor(username: string, count: number): Promise<ReceivedEvent[]> {
    await until(`${count} events of ${username}`, () => this.events(username).length >= count);
    return this.events(username);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The service's variables for one receiver taking every event type. */
export const webhookEnv = (receiver: WebhookReceiver, events: string[] = ['*']): Record<string, string> => ({
  WEBHOOK_ENDPOINTS: JSON.stringify([{ url: receiver.url, events }]),
  WEBHOOK_SECRETS: receiver.secret,
  WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
});
