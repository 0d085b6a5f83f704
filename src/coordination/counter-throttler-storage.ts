import type { ThrottlerStorage } from '@nestjs/throttler';
import type { CounterStore } from './coordination.types';

/** The throttler's record type: not exported from the package's entry, so taken from its interface. */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * @nestjs/throttler's storage on top of our counters (memory or Redis), with fixed windows: once
 * over the limit, a key stays blocked until its window ends.
 */
export class CounterThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly counters: CounterStore) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _block: number,
    throttler: string,
  ): Promise<ThrottlerStorageRecord> {
    const { count, resetInMs } = await this.counters.increment(`throttle:${throttler}:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil(resetInMs / 1000));
    const isBlocked = count > limit;
    return { totalHits: count, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }
}
