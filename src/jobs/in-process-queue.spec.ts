import { MailUnavailableError } from '../common/errors';
import type { AuditLog } from '../logging/audit-log';
import { defineJob } from './job';
import { JobFailures } from './job-failures';
import { JobHandlers } from './job-queue';
import { InProcessJobQueue } from './in-process-queue';
import { RetryPolicy } from './retry-policy';
import { until } from '../../test/support/until';

const greet = defineJob<{ to: string }>('greet');

function setUp(
  handler: (payload: { to: string }, attempt: number) => Promise<void>,
  horizonMs = 10_000,
  now: () => number = Date.now,
) {
  const audit = { record: jest.fn() };
  const handlers = new JobHandlers();
  handlers.register(greet, (payload, { attempt }) => handler(payload, attempt));
  const policy = new RetryPolicy({ backoffBaseMs: 5, backoffMaxMs: 20, horizonMs });
  const queue = new InProcessJobQueue(
    handlers,
    policy,
    new JobFailures(audit as unknown as AuditLog),
    2,
    now,
  );
  return { queue, audit };
}

describe('InProcessJobQueue', () => {
  it('tells its depth with 150,000 jobs waiting (no RangeError)', async () => {
    let now = 1_000_000;
    // Jobs that never finish: the queue stays as deep as it was filled.
    const { queue } = setUp(
      () => new Promise<void>(() => undefined),
      10_000,
      () => now,
    );
    for (let i = 0; i < 150_000; i++) await queue.enqueue(greet, { to: `${i}` });
    now += 5_000;
    expect(await queue.depth()).toEqual({ waiting: 150_000, oldestAgeMs: 5_000 });
  });

  it('runs a job after enqueue returns, not during it', async () => {
    const ran: string[] = [];
    const { queue } = setUp(({ to }) => {
      ran.push(to);
      return Promise.resolve();
    });
    await queue.enqueue(greet, { to: 'a' });
    expect(ran).toEqual([]);
    await until('the job ran', () => ran.length > 0);
    expect(ran).toEqual(['a']);
  });

  it('retries an outage with backoff until it succeeds', async () => {
    const attempts: number[] = [];
    const { queue, audit } = setUp((_payload, attempt) => {
      attempts.push(attempt);
      return attempt < 3 ? Promise.reject(new MailUnavailableError()) : Promise.resolve();
    });
    await queue.enqueue(greet, { to: 'a' });
    await until('the third attempt succeeded', async () => (await queue.depth()).waiting === 0);
    expect(attempts).toEqual([1, 2, 3]);
    expect(audit.record).not.toHaveBeenCalled();
    expect(await queue.depth()).toEqual({ waiting: 0, oldestAgeMs: 0 });
  });

  it('runs a retry even when its timer fires before the clock says it is due', async () => {
    // A clock at half speed: every timer fires "early" by its reading.
    const start = Date.now();
    const slowClock = () => start + (Date.now() - start) / 2;
    const attempts: number[] = [];
    const { queue } = setUp(
      (_payload, attempt) => {
        attempts.push(attempt);
        return attempt < 3 ? Promise.reject(new MailUnavailableError()) : Promise.resolve();
      },
      10_000,
      slowClock,
    );
    await queue.enqueue(greet, { to: 'a' });
    await until('the third attempt ran', () => attempts.length >= 3);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('dead-letters a job that fails for good, with an audit line that names no payload', async () => {
    const { queue, audit } = setUp(() => Promise.reject(new TypeError('boom')));
    await queue.enqueue(greet, { to: 'secret@example.com' });
    await until('the job is dead-lettered', () => audit.record.mock.calls.length > 0);
    expect(audit.record).toHaveBeenCalledWith(
      'job.dead-lettered',
      expect.objectContaining({ job: 'greet', attempts: '1', reason: 'TypeError' }),
    );
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain('secret@example.com');
  });

  it('gives up on an outage at the horizon', async () => {
    const { queue, audit } = setUp(() => Promise.reject(new MailUnavailableError()), 12);
    await queue.enqueue(greet, { to: 'a' });
    await until('the job is dead-lettered', () => audit.record.mock.calls.length > 0);
    expect(audit.record).toHaveBeenCalledWith('job.dead-lettered', expect.objectContaining({ job: 'greet' }));
  });

  it('drains due jobs at shutdown', async () => {
    const ran: string[] = [];
    const { queue } = setUp(async ({ to }) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      ran.push(to);
    });
    await Promise.all(['a', 'b', 'c'].map((to) => queue.enqueue(greet, { to })));
    await queue.onApplicationShutdown();
    expect(ran.sort()).toEqual(['a', 'b', 'c']);
  });

  it('runs a scheduled job once per interval of the clock it is given, the first one interval after start', async () => {
    const ran: string[] = [];
    let clock = 0;
    const handlers = new JobHandlers();
    handlers.register(greet, ({ to }) => {
      ran.push(to);
      return Promise.resolve();
    });
    const audit = { record: jest.fn() } as unknown as AuditLog;
    const policy = new RetryPolicy({ backoffBaseMs: 5, backoffMaxMs: 20, horizonMs: 1_000 });
    const queue = new InProcessJobQueue(handlers, policy, new JobFailures(audit), 2, Date.now, () => clock);
    await queue.schedule(greet, { to: 'tick' }, 60_000);

    expect(queue.enqueueDue()).toBe(0);
    clock += 60_000;
    expect(queue.enqueueDue()).toBe(1);
    expect(queue.enqueueDue()).toBe(0);
    clock += 59_999;
    expect(queue.enqueueDue()).toBe(0);
    clock += 1;
    expect(queue.enqueueDue()).toBe(1);
    await until('both runs ran', () => ran.length >= 2);
    expect(ran).toEqual(['tick', 'tick']);
    await queue.onApplicationShutdown();
    clock += 60_000;
    expect(queue.enqueueDue()).toBe(0);
  });
});
