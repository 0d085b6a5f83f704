import { KeyedMutex } from '../common/keyed-mutex';
import type { CounterStore, KeyedLock, Now, RecordStore, WindowCount } from './coordination.types';

/** In-process counters; windows that have ended are dropped on the way. */
export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  /** Per schedule, when its next slot is free (a handful of keys: one per quota category). */
  private readonly slots = new Map<string, number>();
  private lastSweep: number;

  constructor(private readonly now: Now = Date.now) {
    this.lastSweep = now();
  }

  increment(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    this.sweep(now);
    const current = this.windows.get(key);
    const window = current && current.endsAt > now ? current : { count: 0, endsAt: now + windowMs };
    window.count += 1;
    this.windows.set(key, window);
    return Promise.resolve({ count: window.count, resetInMs: window.endsAt - now });
  }

  reserveSlot(key: string, intervalMs: number): Promise<number> {
    const now = this.now();
    const slot = Math.max(now, this.slots.get(key) ?? 0);
    this.slots.set(key, slot + intervalMs);
    return Promise.resolve(slot - now);
  }

  peek(key: string): Promise<WindowCount> {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return Promise.resolve({ count: 0, resetInMs: 0 });
    return Promise.resolve({ count: window.count, resetInMs: window.endsAt - now });
  }

  /** At most once a minute, so memory stays bounded by the keys of the last windows. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

/** In-process lock: enough for one process; its holder cannot lose it, so it has no lease. */
export class MemoryLock implements KeyedLock {
  private readonly mutex = new KeyedMutex();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(key, work);
  }
}

/** In-process records; expired ones are dropped when read, and swept at most once a minute. */
export class MemoryRecordStore implements RecordStore {
  private readonly records = new Map<string, { value: string; expiresAt: number }>();
  private lastSweep: number;

  constructor(private readonly now: Now = Date.now) {
    this.lastSweep = now();
  }

  put(key: string, value: string, ttlMs: number): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [k, record] of this.records) if (record.expiresAt <= now) this.records.delete(k);
    }
    this.records.set(key, { value, expiresAt: now + ttlMs });
    return Promise.resolve();
  }

  get(key: string): Promise<string | undefined> {
    const record = this.records.get(key);
    return Promise.resolve(record && record.expiresAt > this.now() ? record.value : undefined);
  }
}
