import type { ConfigType } from '@nestjs/config';
import type { coordinationConfig } from '../config/configuration';
import type { CoordinationStoreEngine } from '../config/coordination-store';
import type { CounterStore, KeyedLock, Now, RecordStore } from './coordination.types';
import { LeaseLock, type LeaseBackend } from './lease-lock';
import {
  DynamoDbCounterStore,
  DynamoDbLeases,
  DynamoDbRecordStore,
  DynamoDbTable,
} from './dynamodb-coordination';
import { MemoryCounterStore, MemoryLock, MemoryRecordStore } from './memory-coordination';
import { RedisCounterStore, RedisLeases, RedisRecordStore } from './redis-coordination';

/** One engine's stores, how to tell it answers, and how to let it go. */
export interface CoordinationStore {
  engine: CoordinationStoreEngine;
  counters: CounterStore;
  lock: KeyedLock;
  records: RecordStore;
  /** Whether the shared store answers (readiness); always true in memory. */
  ping(): Promise<boolean>;
  close(): void;
}

type Config = Pick<
  ConfigType<typeof coordinationConfig>,
  'store' | 'redisUrl' | 'table' | 'region' | 'lockLeaseMs'
>;

/** A busy lock is waited for this long before the caller gets a 503. */
const LOCK_WAIT_MS = 20_000;

const leaseLock = (backend: LeaseBackend, leaseMs: number, pollMs: number, now: Now) =>
  new LeaseLock(backend, { leaseMs, waitMs: LOCK_WAIT_MS, pollMs, now });

/**
 * The configured engine. Redis and DynamoDB are loaded only when used: most deployments need one
 * client at most, and the other's load time would count in every cold start.
 */
export async function openStore(config: Config, now: Now = Date.now): Promise<CoordinationStore> {
  switch (config.store) {
    case 'redis': {
      const { Redis } = await import('ioredis');
      const redis = new Redis(config.redisUrl ?? '', { maxRetriesPerRequest: 2 });
      return {
        engine: 'redis',
        counters: new RedisCounterStore(redis),
        lock: leaseLock(new RedisLeases(redis), config.lockLeaseMs, 50, now),
        records: new RedisRecordStore(redis),
        ping: () =>
          redis.ping().then(
            (answer) => answer === 'PONG',
            () => false,
          ),
        // Runs after the HTTP server has drained, so no command is pending; quit() would wait on a dead Redis.
        close: () => redis.disconnect(),
      };
    }
    case 'dynamodb': {
      const sdk = await import('@aws-sdk/client-dynamodb');
      // The standard credential and endpoint chain (AWS_ENDPOINT_URL_DYNAMODB included).
      const client = new sdk.DynamoDBClient({
        region: config.region,
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
      });
      const table = new DynamoDbTable(sdk, client, config.table ?? '', now);
      return {
        engine: 'dynamodb',
        counters: new DynamoDbCounterStore(table),
        // Polls cost a write each: a busy lock is asked about ten times a second at most.
        lock: leaseLock(new DynamoDbLeases(table), config.lockLeaseMs, 100, now),
        records: new DynamoDbRecordStore(table),
        ping: () => table.ping(),
        close: () => client.destroy(),
      };
    }
    case 'memory':
      return {
        engine: 'memory',
        counters: new MemoryCounterStore(now),
        lock: new MemoryLock(),
        records: new MemoryRecordStore(now),
        ping: () => Promise.resolve(true),
        close: () => undefined,
      };
  }
}
