import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { defineJob } from '../jobs/job';
import { JobQueue } from '../jobs/job-queue';
import {
  accountEvent,
  type AccountEvent,
  type AccountEventType,
  type EmailChange,
  type EventAccount,
} from './account-event';
import { EventSinks } from './event-sinks';

/** One event to one sink. Carries the event (ids, addresses, states), never a secret. */
export interface DeliverEventJob {
  event: AccountEvent;
  sink: string;
  /** When this delivery was queued (service clock, ms): its retry horizon starts here. */
  queuedAt: number;
}

export const DELIVER_EVENT = defineJob<DeliverEventJob>('events.deliver');

/**
 * Where flows announce what Cognito has just accepted: `await events.publish(type, account)`, after
 * the Cognito call and before the answer. The event is queued, one delivery job per sink that
 * wants it, and delivered by the job queue; the flow never waits on a receiver.
 */
@Injectable()
export class AccountEvents {
  private readonly logger = new Logger('Events');

  constructor(
    private readonly sinks: EventSinks,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /**
   * `account` may be a read of the account after the change, made only when a sink wants the event
   * (no Cognito call for nothing).
   */
  async publish(
    type: AccountEventType,
    account: EventAccount | (() => Promise<EventAccount>),
    change?: EmailChange,
  ): Promise<void> {
    const sinks = this.sinks.for(type);
    if (sinks.length === 0) return;
    const occurredAt = this.clock.now();
    try {
      const after = typeof account === 'function' ? await account() : account;
      const event = accountEvent(type, after, occurredAt, change);
      await Promise.all(sinks.map((sink) => this.deliver(event, sink)));
    } catch (error) {
      // The change is made and cannot be taken back: failing the flow would only make the user
      // retry something done. The queue's outage is on operators' alarms already.
      this.logger.error(`Event ${type} not queued: ${(error as Error).name}`);
    }
  }

  /** Queues a delivery, with its own retry horizon: also how a dead letter is replayed. */
  deliver(event: AccountEvent, sink: string): Promise<void> {
    return this.jobs.enqueue(DELIVER_EVENT, { event, sink, queuedAt: this.clock.now().getTime() });
  }
}
