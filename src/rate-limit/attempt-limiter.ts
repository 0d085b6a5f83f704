import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RateLimitedError } from '../common/errors';
import { rateLimitConfig } from '../config/configuration';
import { COUNTER_STORE, type CounterStore } from '../coordination/coordination.types';
import { Metrics } from '../metrics/metrics';

/**
 * Lock-out after wrong link tokens: once LOCKOUT_ATTEMPTS wrong tokens were tried for one username
 * (known or not: the answer must not tell), its links answer 429 until the window ends. Tokens carry
 * 192 bits, so this is defence in depth against guessing, and a brake on a stolen username list.
 */
@Injectable()
export class AttemptLimiter {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null,
  ) {}

  async assertAllowed(scope: string, username: string): Promise<void> {
    if (!this.config.enabled) return;
    const { count, resetInMs } = await this.counters.peek(this.key(scope, username));
    if (count >= this.config.lockoutAttempts) {
      this.metrics?.rateLimitRefusals.inc({ limit: 'lockout' });
      throw new RateLimitedError(Math.ceil(resetInMs / 1000));
    }
  }

  async recordFailure(scope: string, username: string): Promise<void> {
    if (!this.config.enabled) return;
    await this.counters.increment(this.key(scope, username), this.config.lockoutMs);
  }

  private key(scope: string, username: string): string {
    return `failures:${scope}:${username.toLowerCase()}`;
  }
}
