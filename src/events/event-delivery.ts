import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobHandler } from '../jobs/job-handler.decorator';
import type { JobContext } from '../jobs/job';
import { failureReason } from '../jobs/job-failures';
import { RetryPolicy } from '../jobs/retry-policy';
import { DELIVER_EVENT, type DeliverEventJob } from './account-events';
import { DeadLetters } from './dead-letters';
import { EventSinks } from './event-sinks';

/**
 * Runs the delivery jobs: at least once per sink, retried by the queue's engine with its backoff.
 * The last failed run (past the retry horizon, or the engine's last attempt) files the event as a
 * dead letter instead of failing, so the admin API lists it on every engine alike.
 */
@Injectable()
export class EventDelivery {
  private readonly logger = new Logger('Events');

  constructor(
    private readonly sinks: EventSinks,
    private readonly deadLetters: DeadLetters,
    private readonly policy: RetryPolicy,
    private readonly clock: Clock,
  ) {}

  @JobHandler(DELIVER_EVENT)
  async deliver({ event, sink, queuedAt }: DeliverEventJob, { attempt }: JobContext): Promise<void> {
    try {
      await this.sinks.send(sink, event);
    } catch (error) {
      const now = this.clock.now().getTime();
      // Decided here on the horizon from when the delivery was queued, which is never later than
      // when the engine starts counting: the engine never gives up on a delivery before this does.
      const last =
        attempt >= this.policy.maxAttempts ||
        this.policy.nextDelay(error, attempt, queuedAt, now) === undefined;
      if (!last) throw error;
      const letter = await this.deadLetters.add({
        sink,
        event,
        attempts: attempt,
        reason: failureReason(error),
        deadLetteredAt: new Date(now).toISOString(),
      });
      this.logger.error(
        `Event ${event.type} ${event.id} to ${sink} dead-lettered as ${letter.id} after ${attempt} runs`,
      );
    }
  }
}
