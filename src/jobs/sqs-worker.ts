import { Logger } from '@nestjs/common';
import type { ScheduledEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { runInRequest } from '../logging/request-context';
import { queuedJob, type QueuedJob } from './job';
import { failureReason, JobFailures } from './job-failures';
import { JobHandlers } from './job-queue';
import { RetryPolicy } from './retry-policy';
import { SqsJobQueue } from './sqs-queue';

type Outcome = 'done' | 'retry';

/**
 * Runs the jobs of an SQS event (the worker function's batch) with the shared retry rules:
 *
 * - the attempt is the message's receive count; the first run is its first receive;
 * - an outage within the horizon (and within RetryPolicy.maxAttempts, the redrive policy's
 *   maxReceiveCount) hides the message for the backoff and reports it as a batch item failure,
 *   so SQS delivers it again then;
 * - anything else, or an outage past the horizon, is sent to the dead-letter queue by this worker,
 *   audited, and reported as done so SQS deletes it. When that send fails, the message is reported
 *   as failed instead and the redrive policy moves it after maxReceiveCount receives.
 */
export class SqsJobWorker {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly handlers: JobHandlers,
    private readonly queue: SqsJobQueue,
    private readonly policy: RetryPolicy,
    private readonly failures: JobFailures,
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(event: SQSEvent): Promise<SQSBatchResponse> {
    const pending = [...event.Records];
    const failed: string[] = [];
    const lane = async () => {
      for (let record = pending.shift(); record; record = pending.shift()) {
        if ((await this.process(record)) === 'retry') failed.push(record.messageId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pending.length) }, lane));
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  /**
   * The deployment's schedule rule fired: each job scheduled on the queue (`JobQueue.schedule`) runs
   * once, now. A failure is thrown: Lambda retries an asynchronous invocation, and the next firing
   * does the same work anyway.
   */
  async runScheduled(): Promise<void> {
    for (const { name, payload } of this.queue.scheduled)
      await this.handlers.run(queuedJob(name, payload), 1);
  }

  /** Runs one message's job as part of the request that queued it (an unreadable one: of none). */
  private process(record: SQSRecord): Promise<Outcome> {
    const job = parseJob(record);
    return runInRequest(job?.requestId, () => this.run(record, job));
  }

  private async run(record: SQSRecord, job: QueuedJob | undefined): Promise<Outcome> {
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    const firstRunAt = Number(record.attributes.ApproximateFirstReceiveTimestamp) || this.now();
    try {
      if (!job) throw new TypeError('Unreadable job message');
      await this.handlers.run(job, attempt);
      return 'done';
    } catch (error) {
      const queued = job ?? { id: record.messageId, name: '(unreadable)', payload: {} };
      const delay =
        attempt < this.policy.maxAttempts
          ? this.policy.nextDelay(error, attempt, firstRunAt, this.now())
          : undefined;
      if (delay !== undefined) return this.retry(record, queued, attempt, delay, error);
      return this.deadLetter(record, queued, attempt, error);
    }
  }

  private async retry(
    record: SQSRecord,
    job: QueuedJob,
    attempt: number,
    delayMs: number,
    error: unknown,
  ): Promise<Outcome> {
    this.failures.retrying(job, attempt, delayMs, error);
    // Without the longer visibility timeout the message comes back after the queue's own timeout.
    await this.queue.retryLater(record.receiptHandle, delayMs).catch((cause: unknown) => {
      this.logger.warn(`Job ${job.name} ${job.id}: backoff not set (${failureReason(cause)})`);
    });
    return 'retry';
  }

  private async deadLetter(
    record: SQSRecord,
    job: QueuedJob,
    attempt: number,
    error: unknown,
  ): Promise<Outcome> {
    try {
      const kept = await this.queue.deadLetter(record.body, failureReason(error));
      if (!kept) this.logger.warn(`Job ${job.name} ${job.id}: the queue has no dead-letter queue, dropped`);
    } catch (cause) {
      this.logger.error(`Job ${job.name} ${job.id}: dead-lettering failed (${failureReason(cause)})`);
      return 'retry';
    }
    this.failures.deadLettered(job, attempt, error);
    return 'done';
  }
}

/** An EventBridge schedule rule's event (no `Input` set on the target), as Lambda hands it over. */
export const isScheduledEvent = (event: object): event is ScheduledEvent =>
  'detail-type' in event &&
  event['detail-type'] === 'Scheduled Event' &&
  'source' in event &&
  event.source === 'aws.events';

function parseJob(record: SQSRecord): QueuedJob | undefined {
  try {
    const job = JSON.parse(record.body) as Partial<QueuedJob>;
    const valid =
      typeof job.id === 'string' &&
      typeof job.name === 'string' &&
      typeof job.payload === 'object' &&
      job.payload;
    return valid ? (job as QueuedJob) : undefined;
  } catch {
    // The body is not JSON: dead-lettered as unreadable by the caller.
    return undefined;
  }
}
