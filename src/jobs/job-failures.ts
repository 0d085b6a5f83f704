import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AuditLog } from '../logging/audit-log';
import { Metrics, outcomeOf } from '../metrics/metrics';
import type { QueuedJob } from './job';

/** Why a job stopped trying, for logs: the error's name and domain code, never its payload. */
export const failureReason = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
};

/**
 * The dead-letter side every engine shares: a job that will not run again is one audit line
 * (`job.dead-lettered`) and one error log. Its payload (an address) stays in the engine's own
 * store for an operator (BullMQ's failed set, SQS's dead-letter queue), never in a log line.
 */
@Injectable()
export class JobFailures {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly audit: AuditLog,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null,
  ) {}

  /** A run failed on an outage and the job will run again (reason MAIL_UNAVAILABLE: a mail retried). */
  retrying(job: QueuedJob, attempt: number, delayMs: number, error: unknown): void {
    this.metrics?.jobsRetried.inc({ job: job.name, reason: outcomeOf(error) });
    this.logger.warn(
      `Job ${job.name} ${job.id} run ${attempt} failed (${failureReason(error)}); retry in ${delayMs} ms`,
    );
  }

  deadLettered(job: QueuedJob, attempts: number, error: unknown): void {
    this.metrics?.jobsDeadLettered.inc({ job: job.name });
    this.audit.record('job.dead-lettered', {
      job: job.name,
      jobId: job.id,
      attempts: String(attempts),
      reason: failureReason(error),
    });
    this.logger.error(`Job ${job.name} ${job.id} gave up after ${attempts} runs: ${failureReason(error)}`);
  }
}
