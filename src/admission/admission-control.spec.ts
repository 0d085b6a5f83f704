import { Clock } from '../common/clock';
import { ServiceBusyError } from '../common/errors';
import { MemoryCounterStore } from '../coordination/memory-coordination';
import { JobQueue, type QueueDepth } from '../jobs/job-queue';
import { AdmissionBudget } from './admission-budget';
import { AdmissionControl } from './admission-control';
import { QueueCeiling } from './queue-ceiling';

class HandClock extends Clock {
  at = 1_700_000_000_000;
  override now(): Date {
    return new Date(this.at);
  }
}

/** A queue whose depth the spec sets. */
class DepthQueue extends JobQueue {
  waiting = 0;
  enqueue(): Promise<void> {
    return Promise.resolve();
  }
  schedule(): Promise<void> {
    return Promise.resolve();
  }
  depth(): Promise<QueueDepth> {
    return Promise.resolve({ waiting: this.waiting, oldestAgeMs: 0 });
  }
}

function setUp(enabled = true) {
  const clock = new HandClock();
  const queue = new DepthQueue();
  const config = {
    enabled,
    quotaShare: 1,
    windowMs: 1_000,
    maxQueueDepth: 5,
    captcha: { provider: 'none' as const, secret: '', verifyUrl: '', timeoutMs: 1 },
  };
  // One ListUsers a second: one public request a window.
  const budget = new AdmissionBudget(
    new MemoryCounterStore(),
    config,
    { quotas: 'UserList=1', quotaMargin: 0 },
    clock,
  );
  const control = new AdmissionControl(config, new QueueCeiling(config, clock, queue), budget);
  return { control, clock, queue };
}

const outcome = (promise: Promise<void>) =>
  promise.then(
    () => 'admitted',
    (error: unknown) => (error instanceof ServiceBusyError ? `busy ${error.retryAfterSeconds}s` : error),
  );

describe('AdmissionControl', () => {
  it('refuses over the queue ceiling, reading the depth at most once a second', async () => {
    const { control, clock, queue } = setUp();
    queue.waiting = 6;
    expect(await outcome(control.admit())).toBe('busy 1s');
    queue.waiting = 0;
    // The reading of a moment ago still stands.
    expect(await outcome(control.admit())).toBe('busy 1s');
    clock.at += 1_000;
    expect(await outcome(control.admit())).toBe('admitted');
  });

  it('refuses over the global budget until the next window', async () => {
    const { control, clock } = setUp();
    clock.at = 1_700_000_000_000;
    expect(await outcome(control.admit())).toBe('admitted');
    expect(await outcome(control.admit())).toBe('busy 1s');
    clock.at += 1_000;
    expect(await outcome(control.admit())).toBe('admitted');
  });

  it('admits everything when off', async () => {
    const { control, queue } = setUp(false);
    queue.waiting = 100;
    for (let i = 0; i < 3; i++) expect(await outcome(control.admit())).toBe('admitted');
  });
});
