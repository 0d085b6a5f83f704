import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { rateLimitConfig } from '../config/configuration';
import { COUNTER_STORE, type CounterStore } from '../coordination/coordination.types';
import { Metrics } from '../metrics/metrics';

/**
 * Which mails share a budget: signup and resend share `activation`; `email-taken` counts the notices
 * to an address whose owner someone else tried to move onto it.
 */
export type MailKind = 'activation' | 'password-reset' | 'email-change' | 'email-taken';

const HOUR = 3_600_000;

/**
 * Mails per address per hour, for every route that mails an address someone typed in. Over the
 * budget the route still answers its usual 202 and simply sends nothing: a 429 here would tell a
 * stranger who flooded the address that it worked, and would show the owner an error for what a
 * stranger did. Counted in one step (increment, then compare the count it returned), so parallel
 * requests cannot slip past the budget.
 */
@Injectable()
export class MailBudget {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null,
  ) {}

  /** Counts one mail of this kind to `address`; false when the address's budget is spent. */
  async allow(kind: MailKind, address: string): Promise<boolean> {
    if (!this.config.enabled) return true;
    const { count } = await this.counters.increment(`mail:${kind}:${address.toLowerCase()}`, HOUR);
    if (count <= this.config.mailsPerAddressPerHour) return true;
    this.metrics?.rateLimitRefusals.inc({ limit: 'address' });
    return false;
  }
}
