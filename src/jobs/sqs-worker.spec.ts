import type { SQSEvent } from 'aws-lambda';
import type { AuditLog } from '../logging/audit-log';
import { defineJob } from './job';
import { JobFailures } from './job-failures';
import { JobHandlers } from './job-queue';
import { RetryPolicy } from './retry-policy';
import { SqsJobQueue } from './sqs-queue';
import { isScheduledEvent, SqsJobWorker } from './sqs-worker';

const tick = defineJob<{ what: string }>('tick');

/** As EventBridge hands it to the function when a schedule rule without `Input` fires. */
const scheduled = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-12-05T03:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/WorkerAccountRepair'],
  detail: {},
};

describe('SqsJobWorker on a schedule', () => {
  it('tells a schedule rule’s event from an SQS batch', () => {
    const batch: SQSEvent = { Records: [] };
    expect(isScheduledEvent(scheduled)).toBe(true);
    expect(isScheduledEvent(batch)).toBe(false);
    expect(isScheduledEvent({ ...scheduled, source: 'my.app' })).toBe(false);
  });

  it('runs each job scheduled on the queue once, and throws what fails (Lambda retries the invocation)', async () => {
    const ran: string[] = [];
    const handlers = new JobHandlers();
    handlers.register(tick, ({ what }) => {
      ran.push(what);
      return what === 'fail' ? Promise.reject(new Error('outage')) : Promise.resolve();
    });
    const queue = new SqsJobQueue({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/jobs',
      region: 'eu-west-1',
    });
    const policy = new RetryPolicy({ backoffBaseMs: 5, backoffMaxMs: 20, horizonMs: 1_000 });
    const audit = { record: jest.fn() } as unknown as AuditLog;
    const worker = new SqsJobWorker(handlers, queue, policy, new JobFailures(audit), 1);

    await queue.schedule(tick, { what: 'repair' }, 3_600_000);
    await worker.runScheduled();
    expect(ran).toEqual(['repair']);

    await queue.schedule(tick, { what: 'fail' }, 3_600_000);
    await expect(worker.runScheduled()).rejects.toThrow('outage');
    queue.onApplicationShutdown();
  });
});
