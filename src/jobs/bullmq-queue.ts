import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { runInRequest } from '../logging/request-context';
import { queuedJob, type JobDefinition, type QueuedJob } from './job';
import { JobFailures } from './job-failures';
import { JobHandlers, JobQueue, type QueueDepth } from './job-queue';
import { RetryPolicy } from './retry-policy';

const QUEUE_NAME = 'cognito-accounts';
/** Completed jobs kept for inspection; failed ones stay until an operator removes them (dead letters). */
const COMPLETED_KEPT = 1_000;
/**
 * How long shutdown waits for running jobs and a clean goodbye to Redis. BullMQ's close waits on
 * Redis for as long as it is down; a job cut off here is run again once its lock lapses.
 */
const CLOSE_TIMEOUT_MS = 5_000;
/** How long the forced close (it drops the connections) may take before shutdown goes on anyway. */
const DISCONNECT_TIMEOUT_MS = 1_000;

/** What a job holds in Redis: the payload, and the request that queued it. */
interface JobData {
  payload: object;
  requestId?: string;
}

export interface BullMqOptions {
  redisUrl: string;
  concurrency: number;
  /** A running job's lock: if its instance dies, another takes the job over once the lock lapses. */
  lockMs: number;
  /** Key prefix in Redis, so several deployments can share one Redis. */
  prefix?: string;
}

/**
 * Jobs in Redis through BullMQ: they survive the restart of any instance (a job whose worker died
 * is taken over by another instance once its lock lapses), and every instance both adds and runs
 * them. Retries follow the shared RetryPolicy; a job that will not run again stays in BullMQ's
 * failed set (the dead-letter list) and is audited.
 */
export class BullMqJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly queue: Queue;
  private readonly worker: Worker;
  /** Set when shutdown begins: a lost connection is not dialled again. */
  private shuttingDown = false;
  /**
   * Jobs this instance has taken, by id, until BullMQ has written their outcome to Redis (its
   * 'completed' or 'failed' event): shutdown waits for that, not just for the handler.
   */
  private readonly unrecorded = new Map<string, { recorded: Promise<void>; resolve(): void }>();

  constructor(
    private readonly handlers: JobHandlers,
    private readonly policy: RetryPolicy,
    private readonly failures: JobFailures,
    options: BullMqOptions,
  ) {
    super();
    const connection = {
      url: options.redisUrl,
      maxRetriesPerRequest: null,
      // BullMQ's own back-off while running; none once shutting down. Without this, a client whose
      // Redis is gone keeps dialling it after shutdown (BullMQ's disconnect() first waits for a
      // connection that never comes), and its sockets keep the process from exiting.
      retryStrategy: (times: number) =>
        this.shuttingDown ? null : Math.max(Math.min(Math.exp(times), 20_000), 1_000),
    };
    const prefix = options.prefix ?? 'cognito-accounts:bull';
    this.queue = new Queue(QUEUE_NAME, { connection, prefix });
    this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), {
      connection,
      prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      settings: { backoffStrategy: (attemptsMade: number) => this.policy.delayAfter(attemptsMade) },
    });
    this.worker.on('completed', (job) => this.recorded(job));
    this.worker.on('failed', (job, error) => {
      this.recorded(job);
      if (!job || !this.isFinal(job, error)) return;
      const queued = toQueued(job);
      runInRequest(queued.requestId, () => this.failures.deadLettered(queued, job.attemptsMade, error));
    });
    this.worker.on('error', (error) => this.logger.error(`BullMQ worker: ${error.message}`));
    // Without a listener, a lost Redis connection is printed raw for every reconnect attempt.
    this.queue.on('error', (error) => this.logger.error(`BullMQ queue: ${error.message}`));
  }

  async enqueue<Payload extends object>(job: JobDefinition<Payload>, payload: Payload): Promise<void> {
    const { id, requestId } = queuedJob(job.name, payload);
    const data: JobData = { payload, requestId };
    await this.queue.add(job.name, data, {
      jobId: id,
      attempts: this.policy.maxAttempts,
      backoff: { type: 'custom' },
      removeOnComplete: COMPLETED_KEPT,
      removeOnFail: false,
    });
  }

  /**
   * A job scheduler in Redis, named after the job: every instance upserts the same one at boot, and
   * BullMQ adds one job per interval (the first at once), run by whichever worker takes it. A failed
   * run is not retried: the next interval's run does the same work.
   */
  async schedule<Payload extends object>(
    job: JobDefinition<Payload>,
    payload: Payload,
    everyMs: number,
  ): Promise<void> {
    const data: JobData = { payload };
    await this.queue.upsertJobScheduler(
      job.name,
      { every: everyMs },
      { name: job.name, data, opts: { removeOnComplete: COMPLETED_KEPT, removeOnFail: COMPLETED_KEPT } },
    );
  }

  async depth(): Promise<QueueDepth> {
    const waiting = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    const total = Object.values(waiting).reduce((sum, count) => sum + count, 0);
    const [oldest] = await this.queue.getJobs(['waiting', 'delayed'], 0, 0, true);
    return { waiting: total, oldestAgeMs: oldest ? Date.now() - oldest.timestamp : 0 };
  }

  /**
   * Takes no new job, lets the running ones finish and their outcome be recorded (a job cut off here
   * is run again by another instance once its lock expires) for at most CLOSE_TIMEOUT_MS, then
   * closes with force. BullMQ's gentle close would wait for those jobs itself and meanwhile renew
   * their locks on a timer: with Redis gone they never finish, and that timer alone kept the process
   * alive after shutdown. (A job whose outcome BullMQ never reports, its lock lost to another
   * instance, only makes this wait run to its end.)
   */
  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.worker.pause(true);
    const taken = [...this.unrecorded.values()].map((job) => job.recorded);
    if (!(await settlesWithin(Promise.all(taken), CLOSE_TIMEOUT_MS))) {
      this.logger.warn(
        `${this.unrecorded.size} job(s) not finished after ${CLOSE_TIMEOUT_MS} ms (Redis unreachable?): leaving them`,
      );
    }
    const closing = Promise.allSettled([this.worker.close(true), this.queue.close()]);
    await settlesWithin(closing, DISCONNECT_TIMEOUT_MS);
  }

  /** Runs a job as part of the request that queued it; shutdown waits until its outcome is recorded. */
  private process(job: Job): Promise<void> {
    if (job.id && !this.unrecorded.has(job.id)) {
      let resolve = () => {};
      const recorded = new Promise<void>((done) => (resolve = done));
      this.unrecorded.set(job.id, { recorded, resolve });
    }
    const queued = toQueued(job);
    return runInRequest(queued.requestId, () => this.run(job, queued));
  }

  private recorded(job: Job | undefined): void {
    if (!job?.id) return;
    this.unrecorded.get(job.id)?.resolve();
    this.unrecorded.delete(job.id);
  }

  private async run(job: Job, queued: QueuedJob): Promise<void> {
    try {
      await this.handlers.run(queued, job.attemptsMade + 1);
    } catch (error) {
      // Not an outage: running it again would fail the same way.
      if (!RetryPolicy.isTransient(error)) throw new UnrecoverableError(failureMessage(error));
      const delay = this.policy.delayAfter(job.attemptsMade + 1);
      this.failures.retrying(queued, job.attemptsMade + 1, delay, error);
      throw error;
    }
  }

  private isFinal(job: Job, error: Error): boolean {
    return error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
  }
}

const toQueued = (job: Job): QueuedJob => {
  const { payload, requestId } = job.data as JobData;
  return { id: job.id ?? '', name: job.name, payload, requestId };
};

/** Whether `promise` settled (either way) within `ms`; it is left to settle, or not, after that. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const failureMessage = (error: unknown) => (error instanceof Error ? error.name : 'Error');
