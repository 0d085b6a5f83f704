import { DomainError, type ErrorCode } from '../common/errors';

export interface RetryOptions {
  /** First delay; each retry doubles it. */
  backoffBaseMs: number;
  /** No single wait is longer than this. */
  backoffMaxMs: number;
  /** After this long since the first run, a job that still fails goes to the dead-letter list. */
  horizonMs: number;
}

/**
 * Outages worth waiting for: Cognito throttling or down, the mail server refusing or down, Redis
 * down, a webhook receiver or EventBridge not taking an event.
 */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set([
  'IDENTITY_PROVIDER_UNAVAILABLE',
  'MAIL_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'EVENT_SINK_UNAVAILABLE',
]);

/**
 * The retry rules every engine applies: exponential backoff, capped, until a horizon; only for
 * outages. Anything else (a bug, a refused request) would fail the same way again, so it goes to
 * the dead-letter list at once with its reason.
 */
export class RetryPolicy {
  constructor(readonly options: RetryOptions) {}

  static isTransient(error: unknown): boolean {
    return error instanceof DomainError && TRANSIENT.has(error.code);
  }

  /** The wait before run `attempt + 1`, after run `attempt` failed. */
  delayAfter(attempt: number): number {
    const { backoffBaseMs, backoffMaxMs } = this.options;
    return Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(attempt - 1, 40));
  }

  /** How many runs fit in the horizon: engines that count attempts (BullMQ, SQS) use this. */
  get maxAttempts(): number {
    let attempts = 1;
    for (
      let waited = this.delayAfter(1);
      waited <= this.options.horizonMs;
      waited += this.delayAfter(attempts)
    ) {
      attempts += 1;
    }
    return attempts;
  }

  /** The wait before the next run, or undefined when the job is done trying. */
  nextDelay(error: unknown, attempt: number, firstRunAt: number, now: number): number | undefined {
    if (!RetryPolicy.isTransient(error)) return undefined;
    const delay = this.delayAfter(attempt);
    return now + delay - firstRunAt <= this.options.horizonMs ? delay : undefined;
  }
}
