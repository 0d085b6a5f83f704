import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../common/errors';
import type { CounterStore, RecordStore, WindowCount } from './coordination.types';
import type { LeaseBackend } from './lease-lock';

const PREFIX = 'cognito-accounts:';

/** Redis out of reach is an outage (503), not a bug. */
const unavailable = (error: unknown): never => {
  throw new StoreUnavailableError({ cause: error });
};

// INCR and start the window on the first count, atomically; returns the count and the window's rest.
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }`;

// The next free slot of a schedule, by Redis's clock (the same for every instance): book it, answer
// how long until it comes. The key expires once the schedule is idle again.
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + interval, 'PX', math.ceil(slot + interval - now) + 1000)
return slot - now`;

// Deletes or extends the lock only if this holder still owns it (it may have expired and been taken meanwhile).
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export class RedisCounterStore implements CounterStore {
  constructor(private readonly redis: Redis) {}

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = (await this.redis
      .eval(INCREMENT, 1, `${PREFIX}count:${key}`, windowMs)
      .catch(unavailable)) as [number, number];
    return { count, resetInMs: ttl };
  }

  async reserveSlot(key: string, intervalMs: number): Promise<number> {
    const wait = await this.redis
      .eval(RESERVE_SLOT, 1, `${PREFIX}slot:${key}`, intervalMs)
      .catch(unavailable);
    return Number(wait);
  }

  async peek(key: string): Promise<WindowCount> {
    const [[, count], [, ttl]] = (await this.redis
      .multi()
      .get(`${PREFIX}count:${key}`)
      .pttl(`${PREFIX}count:${key}`)
      .exec()
      .catch(unavailable)) as [[unknown, string | null], [unknown, number]];
    return count === null || ttl < 0 ? { count: 0, resetInMs: 0 } : { count: Number(count), resetInMs: ttl };
  }
}

/** The lease lock's operations on Redis: SET NX PX, and renew/release only while still the holder. */
export class RedisLeases implements LeaseBackend {
  constructor(private readonly redis: Redis) {}

  async acquire(name: string, holder: string, leaseMs: number): Promise<boolean> {
    const answer = await this.redis
      .set(`${PREFIX}lock:${name}`, holder, 'PX', Math.ceil(leaseMs), 'NX')
      .catch(unavailable);
    return answer === 'OK';
  }

  async renew(name: string, holder: string, leaseMs: number): Promise<boolean> {
    const renewed = await this.redis
      .eval(RENEW, 1, `${PREFIX}lock:${name}`, holder, Math.ceil(leaseMs))
      .catch(unavailable);
    return renewed === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `${PREFIX}lock:${name}`, holder).catch(unavailable);
  }
}

export class RedisRecordStore implements RecordStore {
  constructor(private readonly redis: Redis) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis
      .set(`${PREFIX}record:${key}`, value, 'PX', Math.max(1, Math.ceil(ttlMs)))
      .catch(unavailable);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(`${PREFIX}record:${key}`).catch(unavailable)) ?? undefined;
  }
}
