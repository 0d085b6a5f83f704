import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { OnApplicationShutdown } from '@nestjs/common';
import { StoreUnavailableError } from '../common/errors';
import { queuedJob, type JobDefinition } from './job';
import { JobQueue, type QueueDepth, type ScheduledJob } from './job-queue';

/** The longest visibility timeout SQS accepts: a retry never waits longer than this. */
export const MAX_VISIBILITY_MS = 12 * 3_600_000;

export interface SqsQueueOptions {
  queueUrl: string;
  region: string;
  /** A client of one's own (tests); by default one is made for the region. */
  client?: SQSClient;
}

/**
 * Jobs in Amazon SQS, for Lambda, which freezes the process after each answer: a request sends its
 * job as one message and a worker function (lambda.ts `worker`, see sqs-worker.ts) runs it. Nothing
 * here consumes the queue. The message body is the QueuedJob as JSON (no secret by design, see
 * job.ts); attempts are SQS's receive count, backoff a longer visibility timeout, and what will not
 * run again goes to the queue's dead-letter queue (its redrive policy names it).
 */
export class SqsJobQueue extends JobQueue implements OnApplicationShutdown {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Run by the worker when the deployment's schedule rule invokes it (lambda.ts). */
  readonly scheduled: ScheduledJob[] = [];
  private deadLetterUrl?: Promise<string | undefined>;

  constructor({ queueUrl, region, client }: SqsQueueOptions) {
    super();
    this.queueUrl = queueUrl;
    // The SDK takes an endpoint override from AWS_ENDPOINT_URL_SQS by itself (moto in the tests).
    this.client = client ?? new SQSClient({ region, maxAttempts: 3 });
  }

  async enqueue<Payload extends object>(job: JobDefinition<Payload>, payload: Payload): Promise<void> {
    const body = queuedJob(job.name, payload);
    await this.call(() =>
      this.client.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body) }),
      ),
    );
  }

  /** Only registers the job: Lambda keeps no timer, the template's schedule rule is the clock. */
  schedule<Payload extends object>(
    job: JobDefinition<Payload>,
    payload: Payload,
    everyMs: number,
  ): Promise<void> {
    this.scheduled.push({ name: job.name, payload, everyMs });
    return Promise.resolve();
  }

  /**
   * Visible, delayed and in-flight messages (a retry waiting for its backoff is in flight, hidden by
   * its visibility timeout; so is a job being run). The oldest message's age is a CloudWatch metric
   * only (ApproximateAgeOfOldestMessage), not an SQS attribute, and peeking would count as a receive
   * (an attempt): it is reported as 0.
   */
  async depth(): Promise<QueueDepth> {
    const { Attributes = {} } = await this.call(() =>
      this.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.queueUrl,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesDelayed',
            'ApproximateNumberOfMessagesNotVisible',
          ],
        }),
      ),
    );
    const waiting = Object.values(Attributes).reduce((sum, count) => sum + Number(count ?? 0), 0);
    return { waiting, oldestAgeMs: 0 };
  }

  /** Hides a received message for the backoff: SQS delivers it again (the next attempt) after it. */
  async retryLater(receiptHandle: string, delayMs: number): Promise<void> {
    const seconds = Math.ceil(Math.min(delayMs, MAX_VISIBILITY_MS) / 1_000);
    await this.call(() =>
      this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      ),
    );
  }

  /**
   * Puts a job that will not run again on the dead-letter queue at once (rather than letting it be
   * received up to maxReceiveCount times), with the reason as a message attribute. False when the
   * queue has no redrive policy: there is nowhere to keep it.
   */
  async deadLetter(body: string, reason: string): Promise<boolean> {
    const url = await (this.deadLetterUrl ??= this.findDeadLetterQueue().catch((error: unknown) => {
      this.deadLetterUrl = undefined;
      throw error;
    }));
    if (!url) return false;
    await this.call(() =>
      this.client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageAttributes: { reason: { DataType: 'String', StringValue: reason } },
        }),
      ),
    );
    return true;
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }

  /** The dead-letter queue's URL from the queue's redrive policy (its ARN: `arn:aws:sqs:region:account:name`). */
  private async findDeadLetterQueue(): Promise<string | undefined> {
    const { Attributes } = await this.call(() =>
      this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['RedrivePolicy'] }),
      ),
    );
    if (!Attributes?.RedrivePolicy) return undefined;
    const { deadLetterTargetArn } = JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn: string };
    const [, , , , account, name] = deadLetterTargetArn.split(':');
    const { QueueUrl } = await this.call(() =>
      this.client.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })),
    );
    return QueueUrl;
  }

  /** SQS out of reach or refusing: an outage, like Redis down for BullMQ (503, and retried by a job's engine). */
  private async call<Output>(send: () => Promise<Output>): Promise<Output> {
    try {
      return await send();
    } catch (error) {
      throw new StoreUnavailableError({ cause: error });
    }
  }
}
