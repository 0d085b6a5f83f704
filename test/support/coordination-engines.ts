import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { startMoto, type MotoServer } from '../../tools/moto';
import type { CoordinationStoreEngine } from '../../src/config/coordination-store';
import type { Now } from '../../src/coordination/coordination.types';
import { DynamoDbLeases, DynamoDbTable } from '../../src/coordination/dynamodb-coordination';
import type { LeaseBackend } from '../../src/coordination/lease-lock';
import { openStore, type CoordinationStore } from '../../src/coordination/open-store';
import { RedisLeases } from '../../src/coordination/redis-coordination';
import { applyEnv } from './env';
import { createCoordinationTable, type CoordinationTable } from './dynamodb';
import { startRedis, type RedisServer } from './redis';

/** The lease of the stores a fixture opens: long enough that no renewal timer runs during a test. */
export const FIXTURE_LEASE_MS = 60_000;

/**
 * One engine of the coordination store, as the contract suite drives it: each `open()` is a store
 * as another container would open it, on the same backend (memory: the one process's store).
 */
export interface EngineFixture {
  engine: CoordinationStoreEngine;
  /** The stores' time source. */
  now: Now;
  /**
   * Lets `ms` pass for the stores. Memory and DynamoDB judge time by the clock they are given: it
   * moves at once. Redis judges expiry by its own clock: the time really passes.
   */
  elapse(ms: number): Promise<void>;
  /** Whether `elapse` is instant (tests may then let hours pass). */
  movesClock: boolean;
  open(): Promise<CoordinationStore>;
  /** The lease operations of a new client, for a lock with options of the test's own (not memory). */
  leases?(): Promise<LeaseBackend>;
  /** DynamoDB only: the table as stored. */
  table?: CoordinationTable;
  stop(): Promise<void>;
}

/** A clock that stands still unless the test moves it. */
class MovedClock {
  private at = Date.now();
  readonly now: Now = () => this.at;
  elapse(ms: number): Promise<void> {
    this.at += ms;
    return Promise.resolve();
  }
}

const config = { lockLeaseMs: FIXTURE_LEASE_MS, region: 'eu-west-1', redisUrl: undefined, table: undefined };

export async function memoryEngine(): Promise<EngineFixture> {
  const clock = new MovedClock();
  const store = await openStore({ ...config, store: 'memory' }, clock.now);
  return {
    engine: 'memory',
    now: clock.now,
    elapse: (ms) => clock.elapse(ms),
    movesClock: true,
    open: () => Promise.resolve(store),
    stop: () => Promise.resolve(store.close()),
  };
}

export async function redisEngine(): Promise<EngineFixture> {
  const server: RedisServer = await startRedis();
  const opened: CoordinationStore[] = [];
  const clients: Redis[] = [];
  return {
    engine: 'redis',
    now: Date.now,
    elapse: async (ms) => {
      await sleep(ms);
    },
    movesClock: false,
    open: async () => {
      const store = await openStore({ ...config, store: 'redis', redisUrl: server.url });
      opened.push(store);
      return store;
    },
    leases: async () => {
      const client = new (await import('ioredis')).Redis(server.url, { maxRetriesPerRequest: 2 });
      clients.push(client);
      return new RedisLeases(client);
    },
    stop: async () => {
      for (const store of opened) store.close();
      for (const client of clients) client.disconnect();
      await server.stop();
    },
  };
}

export async function dynamoDbEngine(): Promise<EngineFixture> {
  const moto: MotoServer = await startMoto();
  const table = await createCoordinationTable(moto.endpoint);
  // The store's client reads the endpoint the way the service's does, from the environment.
  const restore = applyEnv({
    AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });
  const clock = new MovedClock();
  const opened: CoordinationStore[] = [];
  return {
    engine: 'dynamodb',
    now: clock.now,
    elapse: (ms) => clock.elapse(ms),
    movesClock: true,
    table,
    open: async () => {
      const store = await openStore({ ...config, store: 'dynamodb', table: table.name }, clock.now);
      opened.push(store);
      return store;
    },
    leases: async () => {
      const sdk = await import('@aws-sdk/client-dynamodb');
      return new DynamoDbLeases(new DynamoDbTable(sdk, table.client, table.name, clock.now));
    },
    stop: async () => {
      for (const store of opened) store.close();
      table.client.destroy();
      restore();
      await moto.stop();
    },
  };
}
