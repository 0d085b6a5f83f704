/** Milliseconds since the epoch: the stores' time source, which tests replace with a clock they move. */
export type Now = () => number;

/** A fixed-window counter: how many times `key` was counted in its current window. */
export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetInMs: number;
}

/** Counters shared by every instance that uses the same store (memory: this process only). */
export interface CounterStore {
  /** Adds one to `key`; the window starts with the first count and lasts `windowMs`. */
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /** The current count, without adding to it. */
  peek(key: string): Promise<WindowCount>;
  /**
   * Books the next free slot of a schedule with one slot every `intervalMs` under `key`, shared by
   * every instance: answers how long to wait for it (0 when the schedule is idle). Nobody gets a
   * slot less than `intervalMs` after the one before, so no second ever holds more than its share.
   */
  reserveSlot(key: string, intervalMs: number): Promise<number>;
}

/**
 * Mutual exclusion per key, across every instance that uses the same store. A shared store's lock
 * is a lease, renewed while `work` runs; `work` runs with that lease as `currentLease()` (lease.ts),
 * so a write can first check that it still holds it.
 */
export interface KeyedLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Short-lived records shared by every instance (memory: this process only): which account was just
 * given an address, when a user's sessions were ended. Each record expires on its own.
 */
export interface RecordStore {
  put(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
}

export const COUNTER_STORE = Symbol('CounterStore');
export const RECORD_STORE = Symbol('RecordStore');
export const KEYED_LOCK = Symbol('KeyedLock');
