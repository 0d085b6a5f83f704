import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ServiceBusyError } from '../common/errors';
import { admissionConfig } from '../config/configuration';
import { Metrics } from '../metrics/metrics';
import { AdmissionBudget } from './admission-budget';
import { DEPTH_READING_MS, QueueCeiling } from './queue-ceiling';

/**
 * Admission of a public request that is about to queue Cognito work (signup, resend, forgot
 * password): the queue ceiling, then the global budget; beyond either, ServiceBusyError (503 with
 * Retry-After). Asked once the body is valid and before anything reads the address, so a refusal
 * is the same status, body, headers and work (one counter increment) for every address, and
 * malformed requests do not use the budget up.
 */
@Injectable()
export class AdmissionControl {
  constructor(
    @Inject(admissionConfig.KEY) private readonly config: Pick<ConfigType<typeof admissionConfig>, 'enabled'>,
    private readonly ceiling: QueueCeiling,
    private readonly budget: AdmissionBudget,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null,
  ) {}

  async admit(): Promise<void> {
    if (!this.config.enabled) return;
    if (await this.ceiling.over()) {
      this.metrics?.rateLimitRefusals.inc({ limit: 'queue' });
      throw new ServiceBusyError(Math.ceil(DEPTH_READING_MS / 1_000));
    }
    const answer = await this.budget.take();
    if (answer.admitted) return;
    this.metrics?.rateLimitRefusals.inc({ limit: 'global' });
    throw new ServiceBusyError(answer.retryAfterSeconds);
  }
}
