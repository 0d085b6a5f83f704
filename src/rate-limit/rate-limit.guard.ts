import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { RateLimitedError } from '../common/errors';
import { rateLimitConfig } from '../config/configuration';
import { kindOf } from './throttlers';

/** The throttler, answering through our error body with a plain `Retry-After`. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>;

  /** Routes without a limit (health, reads) skip the throttlers' per-request work altogether. */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.enabled || kindOf(context) === undefined) return Promise.resolve(true);
    return super.canActivate(context);
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitedError(Math.max(1, detail.timeToBlockExpire));
  }
}
