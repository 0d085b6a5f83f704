import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrorResponses } from '../common/api-responses';

/**
 * Which limits a route gets: `public` (per client IP), `write` (per client IP and per signed-in
 * user) or `admin` (per admin, reads included). Routes without it (health, reads) are not limited.
 * Routes that mail an address also ask MailBudget, which never answers 429.
 */
export type RateLimitKind = 'public' | 'write' | 'admin';

export const RATE_LIMIT_KIND = 'rateLimitKind';

/** Applies a kind of limit and documents its 429. */
export const RateLimit = (kind: RateLimitKind) =>
  applyDecorators(SetMetadata(RATE_LIMIT_KIND, kind), ApiErrorResponses(429));
