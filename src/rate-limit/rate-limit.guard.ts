import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { RateLimitedError } from '../common/errors';
import { rateLimitConfig } from '../config/configuration';
import { Metrics } from '../metrics/metrics';
import { kindOf } from './throttlers';

/**
 * The throttler, answering through our error body with a plain `Retry-After`. Run by AuthModule's
 * AccessGuard, after the token's checks, so the per-user limits know the user.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>;
  @Optional() @Inject(Metrics) private readonly metrics?: Metrics | null;

  /** Whether the route has limits (health and reads have none) and limits are on. */
  applies(context: ExecutionContext): boolean {
    return this.config.enabled && kindOf(context) !== undefined;
  }

  /** Routes without a limit skip the throttlers' per-request work altogether. */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    return this.applies(context) ? super.canActivate(context) : Promise.resolve(true);
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    // Keys are `<throttler>:<tracker>` (throttlers.ts), so the prefix names the limit.
    this.metrics?.rateLimitRefusals.inc({ limit: detail.key.split(':', 1)[0] });
    throw new RateLimitedError(Math.max(1, detail.timeToBlockExpire));
  }
}
