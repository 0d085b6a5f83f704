import type { ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import type { AuthenticatedRequest } from '../auth/access-token.guard';
import { normalizeEmail } from '../common/validation';
import type { rateLimitConfig } from '../config/configuration';
import { CounterThrottlerStorage } from '../coordination/counter-throttler-storage';
import type { CounterStore } from '../coordination/coordination.types';
import { RATE_LIMIT_KIND, RateLimitKind } from './rate-limit.decorator';

interface LimitedRequest extends AuthenticatedRequest {
  ip: string;
  body?: unknown;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const kindOf = (context: ExecutionContext): RateLimitKind | undefined =>
  (Reflect.getMetadata(RATE_LIMIT_KIND, context.getHandler()) ??
    Reflect.getMetadata(RATE_LIMIT_KIND, context.getClass())) as RateLimitKind | undefined;

/** The address or username a public request is about, normalized as the route will see it. */
export function targetOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { email, username } = body as { email?: unknown; username?: unknown };
  if (typeof email === 'string') return `email:${normalizeEmail(email)}`;
  if (typeof username === 'string') return `user:${username.trim().toLowerCase()}`;
  return undefined;
}

const request = (context: ExecutionContext) => context.switchToHttp().getRequest<LimitedRequest>();

/**
 * Four limits: per client IP and per target on the public routes (so neither one IP nor a botnet
 * can flood one mailbox), per user on the authenticated writes, per admin on the admin API. Keys are global per limit, not per
 * route: signup and resend share one budget per address.
 */
export function throttlerOptions(
  config: ConfigType<typeof rateLimitConfig>,
  counters: CounterStore,
): ThrottlerModuleOptions {
  const only =
    (kind: RateLimitKind, applies: (context: ExecutionContext) => boolean = () => true) =>
    (context: ExecutionContext) =>
      !config.enabled || kindOf(context) !== kind || !applies(context);
  const throttlers: ThrottlerOptions[] = [
    {
      name: 'ip',
      limit: config.ipPerMinute,
      ttl: MINUTE,
      skipIf: only('public'),
      getTracker: (req) => (req as LimitedRequest).ip,
    },
    {
      name: 'target',
      limit: config.targetPerHour,
      ttl: HOUR,
      skipIf: only('public', (context) => targetOf(request(context).body) !== undefined),
      getTracker: (req) => targetOf((req as LimitedRequest).body) ?? '',
    },
    {
      name: 'user',
      limit: config.userPerMinute,
      ttl: MINUTE,
      skipIf: only('write', (context) => request(context).principal !== undefined),
      getTracker: (req) => (req as LimitedRequest).principal?.username ?? '',
    },
    {
      name: 'admin',
      limit: config.adminPerMinute,
      ttl: MINUTE,
      skipIf: only('admin', (context) => request(context).principal !== undefined),
      getTracker: (req) => (req as LimitedRequest).principal?.username ?? '',
    },
  ];
  return {
    throttlers,
    storage: new CounterThrottlerStorage(counters),
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    setHeaders: false,
  };
}
