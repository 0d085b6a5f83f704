import { Logger } from '@nestjs/common';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { EventSinkUnavailableError } from '../common/errors';
import { isLoopback, type WebhookEndpoint } from '../config/events.env';
import type { AccountEvent } from './account-event';

/** The most of a receiver's answer that is read: only its status matters, the rest is logged short. */
const ANSWER_LIMIT = 4_096;

/** Where a receiver is, for logs: its query (which may carry the receiver's credentials) never shown. */
export const loggableUrl = (url: string): string => {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
};

export interface WebhookOptions {
  /** `whsec_` secrets: every one signs, so receivers holding either verify during a rotation. */
  secrets: string[];
  timeoutMs: number;
  allowLoopbackHttp: boolean;
}

/**
 * Posts one event to one receiver, signed as Standard Webhooks says (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`). Any answer but 2xx is a failure the job retries: a 3xx
 * too, as redirects are not followed (they could point the signed body anywhere).
 */
export class WebhookSender {
  private readonly logger = new Logger('Events');
  private readonly signers: Webhook[];

  constructor(private readonly options: WebhookOptions) {
    this.signers = options.secrets.map((secret) => new Webhook(secret));
  }

  async send(endpoint: WebhookEndpoint, event: AccountEvent): Promise<void> {
    const url = new URL(endpoint.url);
    if (url.protocol !== 'https:' && !(this.options.allowLoopbackHttp && isLoopback(url))) {
      throw new Error(`Webhook receiver ${loggableUrl(endpoint.url)} is not https`);
    }
    const body = JSON.stringify(event);
    // Real time, not the service's clock: receivers refuse a timestamp far from their own clock.
    const sentAt = new Date();
    const signature = this.signers.map((signer) => signer.sign(event.id, sentAt, body)).join(' ');
    const status = await this.post(url, body, {
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signature,
    });
    if (status < 200 || status > 299) {
      this.logger.warn(
        `Webhook ${event.type} ${event.id} to ${loggableUrl(endpoint.url)}: answered ${status}`,
      );
      throw new EventSinkUnavailableError();
    }
  }

  private post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const fail = (reason: string) => {
        this.logger.warn(`Webhook to ${loggableUrl(url.href)} failed: ${reason}`);
        reject(new EventSinkUnavailableError());
      };
      const outgoing = request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          signal: AbortSignal.timeout(this.options.timeoutMs),
        },
        (answer: IncomingMessage) => {
          let read = 0;
          answer.on('data', (chunk: Buffer) => {
            read += chunk.length;
            // Enough of it: a receiver's answer is not ours to buffer, however long it is.
            if (read > ANSWER_LIMIT) answer.destroy();
          });
          answer.on('close', () => resolve(answer.statusCode ?? 0));
          answer.on('error', () => resolve(answer.statusCode ?? 0));
        },
      );
      outgoing.on('error', (error: Error) => fail(error.name === 'AbortError' ? 'timed out' : error.message));
      outgoing.end(body);
    });
  }
}
