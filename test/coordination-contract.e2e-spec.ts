import { AsyncResource } from 'node:async_hooks';
import { StoreUnavailableError } from '../src/common/errors';
import { currentLease, LeaseLock, LeaseLostError } from '../src/coordination/lease-lock';
import type { CoordinationStore } from '../src/coordination/open-store';
import {
  dynamoDbEngine,
  memoryEngine,
  redisEngine,
  type EngineFixture,
} from './support/coordination-engines';

/**
 * The promises of the coordination store (src/coordination/coordination.types.ts), kept the same by
 * every engine. "Two containers" are two stores opened on one backend; memory keeps them only
 * within one process, so its two are one.
 */
describe.each([
  ['memory', memoryEngine],
  ['redis', redisEngine],
  ['dynamodb', dynamoDbEngine],
])('coordination store contract: %s', (_name, start) => {
  let fixture: EngineFixture;
  let a: CoordinationStore;
  let b: CoordinationStore;
  let keys = 0;
  /** A key no other test has used. */
  const fresh = (what: string) => `${what}-${Date.now()}-${++keys}`;

  beforeAll(async () => {
    fixture = await start();
    [a, b] = [await fixture.open(), await fixture.open()];
  }, 60_000);
  afterAll(() => fixture?.stop());

  describe('counters', () => {
    it('counts within a window, shared by both containers, each key on its own', async () => {
      const key = fresh('count');
      expect(await a.counters.increment(key, 60_000)).toMatchObject({ count: 1 });
      expect(await b.counters.increment(key, 60_000)).toMatchObject({ count: 2 });
      const third = await a.counters.increment(key, 60_000);
      expect(third.count).toBe(3);
      expect(third.resetInMs).toBeGreaterThan(0);
      expect(third.resetInMs).toBeLessThanOrEqual(60_000);
      expect(await b.counters.increment(fresh('count'), 60_000)).toMatchObject({ count: 1 });
    });

    it('counts every one of concurrent increments from both containers once', async () => {
      const key = fresh('burst');
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).counters.increment(key, 60_000)),
      );
      expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('starts again from one when the window has ended', async () => {
      const key = fresh('window');
      await a.counters.increment(key, 200);
      await b.counters.increment(key, 200);
      await fixture.elapse(250);
      expect(await a.counters.peek(key)).toEqual({ count: 0, resetInMs: 0 });
      expect(await b.counters.increment(key, 200)).toMatchObject({ count: 1 });
    });

    it('peeks without counting; an unknown key is zero', async () => {
      const key = fresh('peek');
      expect(await a.counters.peek(key)).toEqual({ count: 0, resetInMs: 0 });
      await a.counters.increment(key, 60_000);
      await a.counters.increment(key, 60_000);
      const peeked = await b.counters.peek(key);
      expect(peeked.count).toBe(2);
      expect(peeked.resetInMs).toBeGreaterThan(0);
      expect(await b.counters.peek(key)).toMatchObject({ count: 2 });
    });
  });

  describe('slot schedule', () => {
    it('books slots from both containers never closer than the interval', async () => {
      const key = fresh('slots');
      const interval = 10_000;
      const startedAt = fixture.now();
      const waits = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).counters.reserveSlot(key, interval)),
      );
      // Redis books by its own clock, which runs on while the calls are made: allow for that.
      const drift = fixture.now() - startedAt;
      const sorted = [...waits].sort((x, y) => x - y);
      expect(sorted[0]).toBeLessThanOrEqual(drift);
      expect(sorted[0]).toBeGreaterThanOrEqual(0);
      for (let i = 1; i < sorted.length; i++) {
        expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(interval - drift);
        expect(sorted[i] - sorted[i - 1]).toBeLessThanOrEqual(interval + drift);
      }
    });

    it('answers at once again when the schedule has gone idle', async () => {
      const key = fresh('idle');
      expect(await a.counters.reserveSlot(key, 100)).toBe(0);
      expect(await b.counters.reserveSlot(key, 100)).toBeGreaterThan(0);
      await fixture.elapse(250);
      expect(await b.counters.reserveSlot(key, 100)).toBe(0);
    });
  });

  describe('locks', () => {
    it('lets one holder in at a time across both containers', async () => {
      const key = fresh('lock');
      let inside = 0;
      let most = 0;
      const entered: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? a : b).lock.run(key, async () => {
            inside += 1;
            most = Math.max(most, inside);
            // A round trip to the store while holding: the other container's attempts meet the lock.
            await a.records.get(key);
            entered.push(i);
            inside -= 1;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(entered.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it('frees the lock when the work fails, for the other container at once', async () => {
      const key = fresh('failing');
      await expect(a.lock.run(key, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await expect(b.lock.run(key, () => Promise.resolve('next'))).resolves.toBe('next');
    });
  });

  describe('records', () => {
    it('shares a record between containers until it expires, a new put replacing it', async () => {
      const key = fresh('record');
      await a.records.put(key, 'first', 60_000);
      expect(await b.records.get(key)).toBe('first');
      await b.records.put(key, 'second', 200);
      expect(await a.records.get(key)).toBe('second');
      await fixture.elapse(250);
      expect(await a.records.get(key)).toBeUndefined();
      expect(await b.records.get(fresh('never'))).toBeUndefined();
    });
  });

  describe('leases (shared stores)', () => {
    /** A lock of one container: lease as given, no renewal unless the test asks, little patience. */
    const lockOf = async (leaseMs: number) => {
      const backend = await fixture.leases?.();
      if (!backend) return undefined;
      return new LeaseLock(backend, {
        leaseMs,
        waitMs: 100,
        pollMs: 20,
        renewEveryMs: 3_600_000,
        now: fixture.now,
      });
    };
    // Redis ends leases by its own clock: a second passes for real.
    const leaseMs = () => (fixture.movesClock ? 30_000 : 1_000);
    /** Runs `work` outside the current locked section, as another container would. */
    const elsewhere = AsyncResource.bind(<T>(work: () => Promise<T>): Promise<T> => work());

    it('a holder whose lease ran out and was taken over stops before its next write', async () => {
      const [first, second] = [await lockOf(leaseMs()), await lockOf(leaseMs())];
      if (!first || !second) return; // memory: a holder in one process cannot lose its lock
      const key = fresh('lease');
      const writes: string[] = [];
      const fencedWrite = async (value: string) => {
        currentLease()?.assertHeld();
        writes.push(value);
        await a.records.put(key, value, 60_000);
      };
      const outcome = first.run(key, async () => {
        await fencedWrite('first holder, in time');
        await fixture.elapse(leaseMs() + 50);
        await elsewhere(() => second.run(key, () => fencedWrite('second holder')));
        await currentLease()?.renew();
        await fencedWrite('first holder, too late');
      });
      await expect(outcome).rejects.toBeInstanceOf(LeaseLostError);
      expect(writes).toEqual(['first holder, in time', 'second holder']);
      expect(await b.records.get(key)).toBe('second holder');
    });

    it('a renewed lease keeps the lock past its first term, and is lost once another holder has it', async () => {
      const [holder, other] = [await lockOf(leaseMs()), await lockOf(leaseMs())];
      if (!holder || !other) return;
      const key = fresh('renewed');
      await holder.run(key, async () => {
        const lease = currentLease();
        await fixture.elapse(leaseMs() * 0.6);
        await lease?.renew();
        await fixture.elapse(leaseMs() * 0.6);
        expect(lease?.held).toBe(true);
        // Still held in the store: the other container waits and gives up.
        await expect(elsewhere(() => other.run(key, () => Promise.resolve()))).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        expect(lease?.held).toBe(true);
      });
      await expect(other.run(key, () => Promise.resolve('free'))).resolves.toBe('free');
    });
  });
});
