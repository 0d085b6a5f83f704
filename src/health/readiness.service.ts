import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { CognitoGateway } from '../cognito/cognito-gateway';
import { admissionConfig } from '../config/configuration';
import { CoordinationHealth } from '../coordination/coordination-health';
import { JobQueue, type QueueDepth } from '../jobs/job-queue';
import { failureReason } from '../jobs/job-failures';

export type CheckResult = 'ok' | 'fail';

export interface Readiness {
  ready: boolean;
  /** Cognito always; the coordination store when shared (redis or dynamodb); the queue when present. */
  checks: { cognito: CheckResult; redis?: CheckResult; dynamodb?: CheckResult; queue?: CheckResult };
  /** The job queue's depth, when one is present and answered; `admitting` is false over the ceiling. */
  backlog?: QueueDepth & { admitting: boolean };
}

/** Probes in a row within this share one answer: a probe every second costs a Cognito call every 3 s. */
export const READINESS_TTL_MS = 3_000;
/** A check that has not answered by then fails: probes have timeouts of their own, often 1 to 5 s. */
export const CHECK_TIMEOUT_MS = 2_500;

class CheckTimeoutError extends Error {
  override name = 'CheckTimeoutError';
}

/**
 * Readiness: whether this instance can serve its routes now. Cognito answers, the shared
 * coordination store (Redis or DynamoDB) answers when the service uses one, and the job queue answers
 * its depth. A backlog does not make an instance unready: every instance shares it, so a load
 * balancer would take them all out at once; the public routes refuse at the door instead
 * (ADMISSION_MAX_QUEUE_DEPTH) and the body reports the depth. The mail server is not checked: mails
 * are sent by jobs that retry, and their backlog shows in the queue.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  private last?: { at: number; result: Promise<Readiness> };

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly coordination: CoordinationHealth,
    @Inject(admissionConfig.KEY) private readonly config: ConfigType<typeof admissionConfig>,
    // Provided by the jobs module when one is present.
    @Optional() private readonly queue?: JobQueue,
  ) {}

  private readonly now = () => Date.now();

  /** The latest answer if it is fresh (or still being worked out), else a new one. */
  check(): Promise<Readiness> {
    const now = this.now();
    if (this.last && now - this.last.at < READINESS_TTL_MS) return this.last.result;
    const result = this.evaluate();
    this.last = { at: now, result };
    return result;
  }

  private async evaluate(): Promise<Readiness> {
    const { queue } = this;
    const { engine, shared } = this.coordination;
    let depth: QueueDepth | undefined;
    const [cognito, store, queueAnswers] = await Promise.all([
      this.run('cognito', () => this.cognito.probe()),
      shared ? this.run(engine, () => this.storeAnswers()) : undefined,
      queue ? this.run('queue', async () => void (depth = await queue.depth())) : undefined,
    ]);
    const checks: Readiness['checks'] = { cognito };
    if (store && engine !== 'memory') checks[engine] = store;
    if (queueAnswers) checks.queue = queueAnswers;
    const ready = Object.values(checks).every((result) => result === 'ok');
    if (!depth) return { ready, checks };
    return { ready, checks, backlog: { ...depth, admitting: depth.waiting <= this.config.maxQueueDepth } };
  }

  private async storeAnswers(): Promise<void> {
    if (!(await this.coordination.isReachable()))
      throw new Error(`${this.coordination.engine} did not answer`);
  }

  /** One check, bounded in time; a failure is logged with its reason and answered as `fail`. */
  private async run(name: string, check: () => Promise<void>): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new CheckTimeoutError(`no answer in ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([check(), timeout]);
      return 'ok';
    } catch (error) {
      const detail = error instanceof Error && !('code' in error) ? error.message : failureReason(error);
      this.logger.warn(`Not ready: ${name} check failed (${detail})`);
      return 'fail';
    } finally {
      clearTimeout(timer);
    }
  }
}
