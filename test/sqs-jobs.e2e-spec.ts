import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MailUnavailableError } from '../src/common/errors';
import { defineJob, type JobRunner } from '../src/jobs/job';
import { JobFailures } from '../src/jobs/job-failures';
import { JobHandlers } from '../src/jobs/job-queue';
import { RetryPolicy } from '../src/jobs/retry-policy';
import { SqsJobQueue } from '../src/jobs/sqs-queue';
import { SqsJobWorker } from '../src/jobs/sqs-worker';
import type { AuditLog } from '../src/logging/audit-log';
import { startMoto, type MotoServer } from '../tools/moto';
import { TEST_CREDENTIALS } from './support/cognito-pool';
import { createJobQueues, receive, sqsEvent, type JobQueues } from './support/sqs';

const greet = defineJob<{ to: string }>('greet');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQS job queue and its worker (moto)', () => {
  let moto: MotoServer;
  // One-second steps: SQS visibility timeouts are whole seconds. Horizon: runs 1 to 3.
  const policy = new RetryPolicy({ backoffBaseMs: 1_000, backoffMaxMs: 1_000, horizonMs: 2_500 });

  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  async function setUp(handler: JobRunner<{ to: string }>) {
    const queues = await createJobQueues(moto.endpoint, policy.maxAttempts);
    const queue = new SqsJobQueue({ queueUrl: queues.queueUrl, region: 'eu-west-1', client: queues.client });
    const handlers = new JobHandlers();
    handlers.register(greet, handler);
    const audit = { record: jest.fn() };
    const failures = new JobFailures(audit as unknown as AuditLog);
    const worker = new SqsJobWorker(handlers, queue, policy, failures, 4);
    /** Receives what is due and hands it to the worker, as the event source mapping does. */
    const deliver = async (q: JobQueues = queues) => {
      const messages = await receive(q.client, q.queueUrl);
      return { messages, response: await worker.handle(sqsEvent(messages, q.queueArn)) };
    };
    return { queues, queue, audit, deliver };
  }

  it('sends a job as one message that carries its name and payload, and counts it', async () => {
    const { queues, queue } = await setUp(() => Promise.resolve());
    await queue.enqueue(greet, { to: 'a' });
    expect(await queue.depth()).toEqual({ waiting: 1, oldestAgeMs: 0 });
    const [message] = await receive(queues.client, queues.queueUrl);
    expect(JSON.parse(message?.Body ?? '')).toMatchObject({ name: 'greet', payload: { to: 'a' } });
    expect(JSON.parse(message?.Body ?? '')).toHaveProperty('id');
    // Received but not deleted: in flight, still counted.
    expect((await queue.depth()).waiting).toBe(1);
  });

  it('runs a batch; a job that succeeds is not reported, so SQS deletes it', async () => {
    const ran: string[] = [];
    const { queue, deliver } = await setUp(({ to }, { attempt }) => {
      ran.push(`${to}#${attempt}`);
      return Promise.resolve();
    });
    await Promise.all(['a', 'b', 'c'].map((to) => queue.enqueue(greet, { to })));
    const { messages, response } = await deliver();
    expect(messages).toHaveLength(3);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(ran.sort()).toEqual(['a#1', 'b#1', 'c#1']);
  });

  it('reports an outage as a batch item failure and hides the message for the backoff; the next receive is attempt 2', async () => {
    const attempts: number[] = [];
    const { queue, deliver, audit } = await setUp((_payload, { attempt }) => {
      attempts.push(attempt);
      return attempt === 1 ? Promise.reject(new MailUnavailableError()) : Promise.resolve();
    });
    await queue.enqueue(greet, { to: 'a' });
    const first = await deliver();
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: first.messages[0]?.MessageId }]);
    // Hidden for the backoff (1 s), not for the queue's 30 s visibility timeout.
    expect((await deliver()).messages).toHaveLength(0);
    await sleep(1_200);
    const second = await deliver();
    expect(second.response).toEqual({ batchItemFailures: [] });
    expect(attempts).toEqual([1, 2]);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('sends a job that fails for good to the dead-letter queue with its reason, audits it, and lets SQS delete it', async () => {
    const { queues, queue, deliver, audit } = await setUp(() => Promise.reject(new TypeError('boom')));
    await queue.enqueue(greet, { to: 'secret@example.com' });
    const { messages, response } = await deliver();
    expect(response).toEqual({ batchItemFailures: [] });

    const [dead] = await receive(queues.client, queues.deadLetterUrl);
    expect(dead?.Body).toBe(messages[0]?.Body);
    expect(dead?.MessageAttributes?.reason?.StringValue).toBe('TypeError');
    expect(audit.record).toHaveBeenCalledWith(
      'job.dead-lettered',
      expect.objectContaining({ job: 'greet', attempts: '1', reason: 'TypeError' }),
    );
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain('secret@example.com');
    expect(await receive(queues.client, queues.queueUrl)).toHaveLength(0);
  });

  it('dead-letters an outage once the policy has run out of attempts', async () => {
    const { queues, queue, deliver, audit } = await setUp(() => Promise.reject(new MailUnavailableError()));
    await queue.enqueue(greet, { to: 'a' });
    for (let attempt = 1; attempt < policy.maxAttempts; attempt++) {
      expect((await deliver()).response.batchItemFailures).toHaveLength(1);
      await sleep(1_100);
    }
    expect((await deliver()).response).toEqual({ batchItemFailures: [] });
    expect(await receive(queues.client, queues.deadLetterUrl)).toHaveLength(1);
    expect(audit.record).toHaveBeenCalledWith(
      'job.dead-lettered',
      expect.objectContaining({
        attempts: String(policy.maxAttempts),
        reason: 'MailUnavailableError (MAIL_UNAVAILABLE)',
      }),
    );
  });

  it('dead-letters a message that is not a job', async () => {
    const { queues, deliver } = await setUp(() => Promise.resolve());
    await queues.client.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'not json' }));
    expect((await deliver()).response).toEqual({ batchItemFailures: [] });
    const [dead] = await receive(queues.client, queues.deadLetterUrl);
    expect(dead?.Body).toBe('not json');
  });

  it('answers 503-worthy errors when SQS is out of reach', async () => {
    const endpoint = 'http://127.0.0.1:9';
    const client = new SQSClient({
      endpoint,
      region: 'eu-west-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const queue = new SqsJobQueue({
      queueUrl: `${endpoint}/123456789012/none`,
      region: 'eu-west-1',
      client,
    });
    await expect(queue.enqueue(greet, { to: 'a' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    queue.onApplicationShutdown();
  });
});
