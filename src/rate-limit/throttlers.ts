import type { ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import type { rateLimitConfig } from '../config/configuration';
import { CounterThrottlerStorage } from '../coordination/counter-throttler-storage';
import type { CounterStore } from '../coordination/coordination.types';
import { clientKey } from './client-address';
import { RATE_LIMIT_KIND, RateLimitKind } from './rate-limit.decorator';

/** The request as the access checks leave it: `principal` is set once the token was verified. */
interface LimitedRequest {
  ip: string;
  principal?: { sub: string };
}

const MINUTE = 60_000;

export const kindOf = (context: ExecutionContext): RateLimitKind | undefined =>
  (Reflect.getMetadata(RATE_LIMIT_KIND, context.getHandler()) ??
    Reflect.getMetadata(RATE_LIMIT_KIND, context.getClass())) as RateLimitKind | undefined;

const request = (context: ExecutionContext) => context.switchToHttp().getRequest<LimitedRequest>();

/**
 * Limits that answer 429: per client IP (an IPv6 client per /64) on the public routes and the
 * writes together, per user on the writes, per admin on the admin API. Nothing here is keyed by
 * what a request is about (an address, a username): such a limit is one a stranger can use up for its owner. Mails to an
 * address have their own silent budget (MailBudget), and link tokens need no per-username limit:
 * 192 random bits are not guessed. Each count is one atomic increment whose result is compared
 * with the limit (CounterThrottlerStorage), so parallel requests cannot get past it.
 */
export function throttlerOptions(
  config: ConfigType<typeof rateLimitConfig>,
  counters: CounterStore,
): ThrottlerModuleOptions {
  const unless =
    (applies: (context: ExecutionContext) => boolean) =>
    (context: ExecutionContext): boolean =>
      !config.enabled || !applies(context);
  const throttlers: ThrottlerOptions[] = [
    {
      name: 'ip',
      limit: config.ipPerMinute,
      ttl: MINUTE,
      skipIf: unless((context) => kindOf(context) !== undefined),
      getTracker: (req) => clientKey((req as LimitedRequest).ip),
    },
    {
      name: 'user',
      limit: config.userPerMinute,
      ttl: MINUTE,
      skipIf: unless((context) => kindOf(context) === 'write' && request(context).principal !== undefined),
      getTracker: (req) => (req as LimitedRequest).principal?.sub ?? '',
    },
    {
      name: 'admin',
      limit: config.adminPerMinute,
      ttl: MINUTE,
      skipIf: unless((context) => kindOf(context) === 'admin' && request(context).principal !== undefined),
      getTracker: (req) => (req as LimitedRequest).principal?.sub ?? '',
    },
  ];
  return {
    throttlers,
    storage: new CounterThrottlerStorage(counters),
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    setHeaders: false,
  };
}
