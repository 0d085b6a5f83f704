import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { runInRequest } from '../logging/request-context';
import { queuedJob, type JobDefinition, type QueuedJob } from './job';
import { JobFailures } from './job-failures';
import { JobHandlers, JobQueue, type QueueDepth, type ScheduledJob } from './job-queue';
import { RetryPolicy } from './retry-policy';

/** How often (real time) the schedules are checked; whether one is due is the clock's call. */
const SCHEDULE_CHECK_MS = 60_000;

interface Entry {
  job: QueuedJob;
  attempt: number;
  enqueuedAt: number;
  firstRunAt?: number;
  dueAt: number;
}

/**
 * The embedded default (one instance, no Redis): jobs wait in this process's memory and run with the
 * same retry rules as the other engines. Shutdown drains what is due; what a crash loses (jobs not
 * yet run, retries waiting for their backoff) is said in the docs.
 */
export class InProcessJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly waiting: Entry[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Wakes the queue when the earliest waiting retry is due. */
  private wake?: NodeJS.Timeout;
  private idle?: () => void;
  private closing = false;
  private readonly schedules: (ScheduledJob & { dueAt: number })[] = [];
  private scheduleCheck?: NodeJS.Timeout;
  private pumpPending = false;

  constructor(
    private readonly handlers: JobHandlers,
    private readonly policy: RetryPolicy,
    private readonly failures: JobFailures,
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
    /** The schedules' time: the service's clock, which tests move. */
    private readonly scheduleNow: () => number = now,
  ) {
    super();
  }

  enqueue<Payload extends object>(job: JobDefinition<Payload>, payload: Payload): Promise<void> {
    const at = this.now();
    this.waiting.push({
      job: queuedJob(job.name, payload),
      attempt: 1,
      enqueuedAt: at,
      dueAt: at,
    });
    // After the caller's answer: the request never waits on its job's work. One pump for a burst of
    // enqueues: a pump reads the whole waiting list, once per enqueue would cost the square of it.
    if (!this.pumpPending) {
      this.pumpPending = true;
      setImmediate(() => {
        this.pumpPending = false;
        this.pump();
      });
    }
    return Promise.resolve();
  }

  /** One run per `everyMs` of the clock, the first one interval after boot. */
  schedule<Payload extends object>(
    job: JobDefinition<Payload>,
    payload: Payload,
    everyMs: number,
  ): Promise<void> {
    this.schedules.push({ name: job.name, payload, everyMs, dueAt: this.scheduleNow() + everyMs });
    this.scheduleCheck ??= setInterval(() => this.enqueueDue(), Math.min(everyMs, SCHEDULE_CHECK_MS));
    this.scheduleCheck.unref();
    return Promise.resolve();
  }

  /** Queues one run of each schedule whose time has come: what the timer calls. How many were queued. */
  enqueueDue(): number {
    const now = this.scheduleNow();
    const due = this.closing ? [] : this.schedules.filter((schedule) => schedule.dueAt <= now);
    for (const schedule of due) {
      schedule.dueAt = now + schedule.everyMs;
      void this.enqueue({ name: schedule.name }, schedule.payload);
    }
    return due.length;
  }

  depth(): Promise<QueueDepth> {
    // A loop, not Math.min(...array): spreading ~125k arguments overflows the call stack (RangeError).
    let oldest = Infinity;
    for (const entry of this.waiting) if (entry.enqueuedAt < oldest) oldest = entry.enqueuedAt;
    return Promise.resolve({
      waiting: this.waiting.length + this.running.size,
      oldestAgeMs: this.waiting.length ? this.now() - oldest : 0,
    });
  }

  /** Runs every job that is due, then stops; retries waiting for a later time are lost (logged). */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.wake);
    clearInterval(this.scheduleCheck);
    for (;;) {
      this.pump();
      if (this.running.size === 0) break;
      await new Promise<void>((resolve) => (this.idle = resolve));
    }
    if (this.waiting.length > 0) {
      this.logger.warn(`${this.waiting.length} job(s) waiting for a retry were dropped at shutdown`);
    }
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const now = this.now();
      const index = this.waiting.findIndex((entry) => entry.dueAt <= now);
      if (index < 0) break;
      const [entry] = this.waiting.splice(index, 1);
      // As part of the request that queued the job, not of whichever one woke the queue.
      const run = runInRequest(entry.job.requestId, () => this.run(entry)).finally(() => {
        this.running.delete(run);
        if (this.running.size === 0) this.idle?.();
        this.pump();
      });
      this.running.add(run);
    }
    this.scheduleWake();
  }

  /**
   * One timer, set for the earliest job not yet due. Re-armed on every pump: a timer may fire a
   * moment before the clock says the job is due, and must not leave it waiting for ever.
   */
  private scheduleWake(): void {
    clearTimeout(this.wake);
    const now = this.now();
    // Jobs already due wait for a free slot: the end of a running job pumps again.
    let earliest = Infinity;
    for (const entry of this.waiting) if (entry.dueAt > now && entry.dueAt < earliest) earliest = entry.dueAt;
    if (this.closing || earliest === Infinity) return;
    this.wake = setTimeout(() => this.pump(), earliest - now + 1);
    this.wake.unref();
  }

  private async run(entry: Entry): Promise<void> {
    const firstRunAt = (entry.firstRunAt ??= this.now());
    this.logger.debug(`Job ${entry.job.name} ${entry.job.id} run ${entry.attempt} started`);
    try {
      await this.handlers.run(entry.job, entry.attempt);
    } catch (error) {
      const delay = this.policy.nextDelay(error, entry.attempt, firstRunAt, this.now());
      if (delay === undefined) return this.failures.deadLettered(entry.job, entry.attempt, error);
      this.failures.retrying(entry.job, entry.attempt, delay, error);
      this.waiting.push({ ...entry, attempt: entry.attempt + 1, dueAt: this.now() + delay });
    }
  }
}
