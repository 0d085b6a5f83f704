import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { defineJob } from '../src/jobs/job';
import { JobFailures } from '../src/jobs/job-failures';
import { JobHandlers } from '../src/jobs/job-queue';
import { RetryPolicy } from '../src/jobs/retry-policy';
import { SqsJobQueue } from '../src/jobs/sqs-queue';
import { SqsJobWorker } from '../src/jobs/sqs-worker';
import type { AuditLog } from '../src/logging/audit-log';
import { currentRequestId, requestContext } from '../src/logging/request-context';
import { ACTIVATION_LINK_PREFIX } from './support/env';
import { linkParams } from './support/flows';
import { jobsDone } from './support/jobs';
import { startRedis, type RedisServer } from './support/redis';
import { createJobQueues, receive, sqsEvent } from './support/sqs';
import { startStack, type TestStack } from './support/stack';

/** What an operator greps by: the lines of a job carry the id of the request that queued it. */
describe("a job's log and audit lines carry the request id of the request that queued it", () => {
  let stack: TestStack;
  let redis: RedisServer;
  let n = 0;
  const freshEmail = () => `request-id${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    [stack, redis] = await Promise.all([startStack(), startRedis()]);
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  /** The request ids on the `activation.sent` audit lines of `username`. */
  const activationRequestIds = (username: string) =>
    stack.logs.entries
      .map(({ text }) => (text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}))
      .filter((line) => line.audit === 'activation.sent' && line.username === username)
      .map((line) => line.requestId);

  /** Signs up two addresses at once, each with its own X-Request-Id; returns each mail's username and id. */
  async function signUpTwo(app: NestFastifyApplication) {
    const signups = [freshEmail(), freshEmail()].map((email) => ({ email, requestId: randomUUID() }));
    const answers = await Promise.all(
      signups.map(({ email, requestId }) =>
        app.inject({
          method: 'POST',
          url: '/accounts/signup',
          payload: { email },
          headers: { 'x-request-id': requestId },
        }),
      ),
    );
    expect(answers.map((res) => res.statusCode)).toEqual([202, 202]);
    const sent = await Promise.all(
      signups.map(async ({ email, requestId }) => {
        const mail = await stack.smtp.waitForMail(email);
        return { username: linkParams(mail.text, ACTIVATION_LINK_PREFIX).username, requestId };
      }),
    );
    // The audit line follows the mail.
    await jobsDone(app);
    return sent;
  }

  it('in process: activation.sent carries the signup request id', async () => {
    for (const { username, requestId } of await signUpTwo(stack.app)) {
      expect(activationRequestIds(username)).toEqual([requestId]);
    }
  });

  it('on BullMQ: activation.sent carries the signup request id', async () => {
    const { app } = await stack.bootApp({ env: { REDIS_URL: redis.url } });
    for (const { username, requestId } of await signUpTwo(app)) {
      expect(activationRequestIds(username)).toEqual([requestId]);
    }
  });

  it('on SQS: the worker runs each job as part of the request that queued it', async () => {
    const greet = defineJob<{ to: string }>('greet');
    const queues = await createJobQueues(stack.moto.endpoint, 3);
    const queue = new SqsJobQueue({ queueUrl: queues.queueUrl, region: 'eu-west-1', client: queues.client });
    const seen: Record<string, string | undefined> = {};
    const handlers = new JobHandlers();
    handlers.register(greet, ({ to }) => {
      seen[to] = currentRequestId();
      return Promise.resolve();
    });
    const policy = new RetryPolicy({ backoffBaseMs: 1_000, backoffMaxMs: 1_000, horizonMs: 2_500 });
    const failures = new JobFailures({ record: jest.fn() } as unknown as AuditLog);
    const worker = new SqsJobWorker(handlers, queue, policy, failures, 2);

    await requestContext.run({ requestId: 'request-a' }, () => queue.enqueue(greet, { to: 'a' }));
    await requestContext.run({ requestId: 'request-b' }, () => queue.enqueue(greet, { to: 'b' }));
    await queue.enqueue(greet, { to: 'none' });
    const messages = await receive(queues.client, queues.queueUrl);
    await requestContext.run({ requestId: 'the-worker-invocation' }, () =>
      worker.handle(sqsEvent(messages, queues.queueArn)),
    );

    expect(seen).toEqual({ a: 'request-a', b: 'request-b', none: undefined });
  });
});
