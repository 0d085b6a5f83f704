import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ServiceBusyError } from '../common/errors';
import { admissionConfig } from '../config/configuration';
import { Metrics } from '../metrics/metrics';
import { AdmissionBudget } from './admission-budget';
import { CAPTCHA_HEADER, CaptchaVerifier } from './captcha';
import { DEPTH_READING_MS, QueueCeiling } from './queue-ceiling';

interface DoorRequest {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The door of the public routes that start Cognito work, after the per-IP limit (the global guard):
 * the CAPTCHA (when on), then the queue ceiling, then the global budget. Nothing here reads the
 * address in the body, so a refusal is the same status, body and headers for every address, and
 * costs the same: one counter increment.
 */
@Injectable()
export class AdmissionGuard implements CanActivate {
  constructor(
    @Inject(admissionConfig.KEY) private readonly config: ConfigType<typeof admissionConfig>,
    private readonly captcha: CaptchaVerifier,
    private readonly ceiling: QueueCeiling,
    private readonly budget: AdmissionBudget,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<DoorRequest>();
    const token = request.headers[CAPTCHA_HEADER];
    // Before the budget: requests without a valid token do not use it up for everyone else.
    await this.captcha.verify(typeof token === 'string' ? token : undefined, request.ip);
    if (!this.config.enabled) return true;
    if (await this.ceiling.over()) {
      this.metrics?.rateLimitRefusals.inc({ limit: 'queue' });
      throw new ServiceBusyError(Math.ceil(DEPTH_READING_MS / 1_000));
    }
    const answer = await this.budget.take();
    if (answer.admitted) return true;
    this.metrics?.rateLimitRefusals.inc({ limit: 'global' });
    throw new ServiceBusyError(answer.retryAfterSeconds);
  }
}
