import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../common/errors';
import { KeyedMutex } from '../common/keyed-mutex';
import type { KeyedLock, Now } from './coordination.types';

/**
 * A holder that no longer holds its lock: it stops before its next write. A 503 like any store
 * outage, so a job that meets it is retried and a request may be sent again.
 */
export class LeaseLostError extends StoreUnavailableError {}

/** What a shared store does for a lease lock; each is one atomic operation on the store. */
export interface LeaseBackend {
  /** Takes `name` for `holder` if it is free or its lease has run out; true when taken. */
  acquire(name: string, holder: string, leaseMs: number): Promise<boolean>;
  /** Extends the lease if `holder` still has it; false when another holder (or nobody) has it. */
  renew(name: string, holder: string, leaseMs: number): Promise<boolean>;
  /** Frees `name` if `holder` still has it. */
  release(name: string, holder: string): Promise<void>;
}

export interface LeaseLockOptions {
  /** A holder that dies keeps the lock at most this long; a live one renews it every third of it. */
  leaseMs: number;
  /** How long to wait for a busy lock before giving up (503). */
  waitMs: number;
  pollMs: number;
  /** How often a held lease is renewed. Default: every third of `leaseMs`. */
  renewEveryMs?: number;
  now?: Now;
}

/**
 * One held lease, as its holder sees it. Held while no renewal found another holder and the local
 * clock is short of the last confirmed lease's end, less a margin for the clocks of other instances
 * (which judge the lease's end by their own clock).
 */
export class Lease {
  private lost = false;
  private validUntil = 0;

  constructor(
    readonly name: string,
    readonly holder: string,
    private readonly backend: LeaseBackend,
    private readonly options: Required<LeaseLockOptions>,
    /** The lease of an enclosing locked section: a write inside needs both. */
    private readonly outer: Lease | undefined,
  ) {}

  get held(): boolean {
    return !this.lost && this.options.now() < this.validUntil && (this.outer?.held ?? true);
  }

  /** Throws LeaseLostError unless every lease this section runs under is still held. */
  assertHeld(): void {
    if (!this.held) throw new LeaseLostError();
  }

  /** Counts from when the request was sent: the store may have taken it at any moment after. */
  confirm(sentAt: number): void {
    const { leaseMs } = this.options;
    this.validUntil = sentAt + leaseMs - Math.min(leaseMs / 10, 2_000);
  }

  /** Extends the lease; one that another holder has is lost for good. An outage leaves it as it was. */
  async renew(): Promise<void> {
    if (this.lost) return;
    const sentAt = this.options.now();
    if (await this.backend.renew(this.name, this.holder, this.options.leaseMs)) this.confirm(sentAt);
    else this.lost = true;
  }
}

const leases = new AsyncLocalStorage<Lease>();

/** The lease the current locked section runs under, if any (a shared store's lock). */
export const currentLease = (): Lease | undefined => leases.getStore();

/**
 * A lease lock on a shared store, queued in-process first so one instance does not poll against
 * itself. The lease bounds how long a crashed holder blocks others; a live holder renews it while
 * `work` runs (Cognito retries and quota waits can outlast it), and writes check it (fencing).
 */
export class LeaseLock implements KeyedLock {
  private readonly local = new KeyedMutex();
  private readonly options: Required<LeaseLockOptions>;

  constructor(
    private readonly backend: LeaseBackend,
    options: LeaseLockOptions,
  ) {
    this.options = { now: Date.now, renewEveryMs: options.leaseMs / 3, ...options };
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const lease = await this.acquire(key);
      const renewal = setInterval(() => {
        // A failed renewal (an outage) is retried on the next tick; the lease ends on its own meanwhile.
        lease.renew().catch(() => undefined);
      }, this.options.renewEveryMs);
      renewal.unref();
      try {
        return await leases.run(lease, work);
      } finally {
        clearInterval(renewal);
        // Not releasing (store gone) only delays the next holder until the lease ends.
        await this.backend.release(key, lease.holder).catch(() => undefined);
      }
    });
  }

  private async acquire(key: string): Promise<Lease> {
    const { now, leaseMs, waitMs, pollMs } = this.options;
    const lease = new Lease(key, randomUUID(), this.backend, this.options, currentLease());
    // Real time: this is how long the caller waits, whatever clock judges the leases.
    const deadline = Date.now() + waitMs;
    for (;;) {
      const sentAt = now();
      if (await this.backend.acquire(key, lease.holder, leaseMs)) {
        lease.confirm(sentAt);
        return lease;
      }
      if (Date.now() > deadline) throw new StoreUnavailableError();
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
