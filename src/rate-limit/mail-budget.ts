import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RateLimitedError } from '../common/errors';
import { rateLimitConfig } from '../config/configuration';
import { COUNTER_STORE, type CounterStore } from '../coordination/coordination.types';
import { Metrics } from '../metrics/metrics';
import { mailboxKey } from './mailbox';

/**
 * The mails counted, for the metrics and the reader; since issue 21 they all share one budget per
 * mailbox. `email-taken` is the notice to an address whose owner someone tried to move onto it.
 */
export type MailKind = 'activation' | 'password-reset' | 'email-change' | 'email-taken';

const HOUR = 3_600_000;

/**
 * One mail budget per mailbox per hour, across every kind of mail, keyed by the mailbox
 * (mailboxKey: case and `+tag` folded), so neither another kind nor another spelling opens a fresh
 * budget. The mailbox has two lanes of RATE_LIMIT_TARGET_PER_HOUR each:
 *
 * - `public`: what anyone can ask for without signing in (signup, resend, forgot password) and
 *   notices sent by jobs. Over it the route still answers its usual 202 and sends nothing: a 429
 *   would tell a stranger who flooded the address that it worked, and an answer that differed with
 *   the address would tell whether it has an account.
 * - `signed-in`: what a signed-in account asks for (an email-change confirmation to its new
 *   address). Strangers' anonymous floods never count here, so they cannot stop the mail a signed-in
 *   owner asks for; over it the requester gets a visible 429 with Retry-After, never a silent drop.
 *   The count holds requests only (never whether the address has an account), so the 429 tells a
 *   signed-in user nothing about accounts; filling this lane takes activated accounts, each audited.
 *
 * Each count is one increment whose returned value is compared, so parallel requests cannot slip by.
 */
@Injectable()
export class MailBudget {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null,
  ) {}

  /** Counts one mail to `address` in the public lane; false (send nothing, say nothing) when spent. */
  async allow(_kind: MailKind, address: string): Promise<boolean> {
    if (!this.config.enabled) return true;
    const { count } = await this.counters.increment(`mail:public:${mailboxKey(address)}`, HOUR);
    if (count <= this.config.mailsPerAddressPerHour) return true;
    this.metrics?.rateLimitRefusals.inc({ limit: 'address' });
    return false;
  }

  /** Counts one mail a signed-in account asks for; over the lane's budget throws RateLimitedError. */
  async allowSignedIn(_kind: MailKind, address: string): Promise<void> {
    if (!this.config.enabled) return;
    const { count, resetInMs } = await this.counters.increment(`mail:signed-in:${mailboxKey(address)}`, HOUR);
    if (count <= this.config.mailsPerAddressPerHour) return;
    this.metrics?.rateLimitRefusals.inc({ limit: 'address' });
    throw new RateLimitedError(Math.max(1, Math.ceil(resetInMs / 1_000)));
  }
}
