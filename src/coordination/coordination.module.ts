import { Global, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { coordinationConfig } from '../config/configuration';
import { CoordinationHealth } from './coordination-health';
import { COUNTER_STORE, KEYED_LOCK, RECORD_STORE } from './coordination.types';
import { MemoryCounterStore, MemoryLock, MemoryRecordStore } from './memory-coordination';
import { RedisCounterStore, RedisLock, RedisRecordStore } from './redis-coordination';

const REDIS = Symbol('Redis');

/**
 * State that must be shared by every instance of the service: rate-limit counters and the per-email
 * signup lock. In memory by default; in Redis when REDIS_URL is set.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [coordinationConfig.KEY],
      // Loaded only when used: most deployments never need the Redis client.
      useFactory: async ({ redisUrl }: ConfigType<typeof coordinationConfig>) =>
        redisUrl ? new (await import('ioredis')).Redis(redisUrl, { maxRetriesPerRequest: 2 }) : null,
    },
    {
      provide: COUNTER_STORE,
      inject: [REDIS],
      useFactory: (redis: Redis | null) => (redis ? new RedisCounterStore(redis) : new MemoryCounterStore()),
    },
    {
      provide: KEYED_LOCK,
      inject: [REDIS, coordinationConfig.KEY],
      useFactory: (redis: Redis | null, { lockLeaseMs }: ConfigType<typeof coordinationConfig>) =>
        redis ? new RedisLock(redis, { leaseMs: lockLeaseMs, waitMs: 20_000, pollMs: 50 }) : new MemoryLock(),
    },
    {
      provide: RECORD_STORE,
      inject: [REDIS],
      useFactory: (redis: Redis | null) => (redis ? new RedisRecordStore(redis) : new MemoryRecordStore()),
    },
    {
      provide: CoordinationHealth,
      inject: [REDIS],
      useFactory: (redis: Redis | null) => new CoordinationHealth(redis),
    },
  ],
  exports: [COUNTER_STORE, KEYED_LOCK, RECORD_STORE, CoordinationHealth],
})
export class CoordinationModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS) private readonly redis: Redis | null) {}

  /** Runs after the HTTP server has drained, so no command is pending; quit() would wait on a dead Redis. */
  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
