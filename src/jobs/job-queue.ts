import { Injectable } from '@nestjs/common';
import type { JobContext, JobDefinition, JobRunner, QueuedJob } from './job';

export interface QueueDepth {
  /** Jobs not finished: running, or waiting to run now or later (retries included). */
  waiting: number;
  /** How long the oldest waiting job has waited; 0 when none waits. */
  oldestAgeMs: number;
}

/**
 * Where requests hand work over. Engines: in this process (the default), BullMQ on Redis (with
 * REDIS_URL: jobs survive an instance and are shared by all), and more behind the same interface.
 */
export abstract class JobQueue {
  /** Stores the job; it runs after the caller's answer, retried by the engine's rules. */
  abstract enqueue<Payload extends object>(job: JobDefinition<Payload>, payload: Payload): Promise<void>;
  abstract depth(): Promise<QueueDepth>;
  /**
   * Runs `job` once every `everyMs`, once for all instances of the engine: in this process by its
   * own timer, on BullMQ by a job scheduler in Redis; on SQS the deployment's schedule rule invokes
   * the worker (deploy/template.yaml), which runs the jobs scheduled here (`scheduled`).
   */
  abstract schedule<Payload extends object>(
    job: JobDefinition<Payload>,
    payload: Payload,
    everyMs: number,
  ): Promise<void>;
}

/** A job that runs on a schedule, as registered with `JobQueue.schedule`. */
export interface ScheduledJob {
  name: string;
  payload: object;
  everyMs: number;
}

/**
 * What runs each job kind, by name: every engine (in-process, BullMQ, SQS) dispatches through it.
 * Filled at boot from the methods marked `@JobHandler(...)` (see JobHandlerExplorer).
 */
@Injectable()
export class JobHandlers {
  private readonly handlers = new Map<string, JobRunner<object>>();

  register<Payload extends object>(job: JobDefinition<Payload>, handler: JobRunner<Payload>): void {
    if (this.handlers.has(job.name)) throw new Error(`Job "${job.name}" has a handler already`);
    this.handlers.set(job.name, handler as JobRunner<object>);
  }

  run(job: QueuedJob, attempt: number): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) return Promise.reject(new Error(`No handler for job "${job.name}"`));
    const context: JobContext = { id: job.id, attempt };
    return handler(job.payload, context);
  }
}
