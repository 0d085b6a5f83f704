import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { allowedRate, parseQuotaLimits, type QuotaCategory } from '../cognito/cognito-quota';
import { Clock } from '../common/clock';
import { admissionConfig, cognitoConfig } from '../config/configuration';
import { COUNTER_STORE, type CounterStore } from '../coordination/coordination.types';

/**
 * The most Cognito calls, per category, that one job of a public route makes (signup of a new
 * address: ListUsers, AdminGetUser for each holder, AdminCreateUser, AdminUpdateUserAttributes for
 * its link; forgot password and resend make fewer). Kept with the flows in mind: a flow that calls
 * more must raise its line here.
 */
export const PUBLIC_JOB_CALLS: Partial<Record<QuotaCategory, number>> = {
  UserList: 1,
  UserRead: 2,
  UserCreation: 1,
  UserUpdate: 1,
};

type Config = ConfigType<typeof admissionConfig>;
type QuotaConfig = Pick<ConfigType<typeof cognitoConfig>, 'quotas' | 'quotaMargin'>;

/**
 * Public requests per window the jobs can drain: the tightest category's quota less the margin
 * ("Quotas in Amazon Cognito": per account and Region, per category), divided by the calls a job
 * makes there, times the share left to the public routes. Admitting more would only grow a backlog
 * that never drains (jobs wait for their quota slots), so the door refuses instead.
 */
export function publicRequestsPerWindow(quota: QuotaConfig, config: Pick<Config, 'quotaShare' | 'windowMs'>) {
  const options = { limits: parseQuotaLimits(quota.quotas), margin: quota.quotaMargin };
  const perSecond = Math.min(
    ...Object.entries(PUBLIC_JOB_CALLS).map(
      ([category, calls]) => allowedRate(options, category as QuotaCategory) / (calls ?? 1),
    ),
  );
  return Math.max(1, Math.floor(perSecond * config.quotaShare * (config.windowMs / 1_000)));
}

/** The answer for one public request: admitted, or how long to wait before the next window. */
export type BudgetAnswer = { admitted: true } | { admitted: false; retryAfterSeconds: number };

/**
 * The global budget of the public routes, one count for every instance sharing the coordination
 * store. Windows are aligned on the clock (key `admission:<window number>`), so every instance
 * counts into the same window and Retry-After is the time to its end, for every address alike.
 */
@Injectable()
export class AdmissionBudget {
  readonly perWindow: number;

  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(admissionConfig.KEY) private readonly config: Config,
    @Inject(cognitoConfig.KEY) quota: QuotaConfig,
    private readonly clock: Clock,
  ) {
    this.perWindow = publicRequestsPerWindow(quota, config);
  }

  async take(): Promise<BudgetAnswer> {
    const { windowMs } = this.config;
    const now = this.clock.now().getTime();
    const window = Math.floor(now / windowMs);
    // The store's own window outlives ours a little: its clock may differ from ours.
    const { count } = await this.counters.increment(`admission:${window}`, windowMs * 2);
    if (count <= this.perWindow) return { admitted: true };
    return {
      admitted: false,
      retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1_000)),
    };
  }
}
