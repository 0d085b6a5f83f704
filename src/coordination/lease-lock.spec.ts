import { StoreUnavailableError } from '../common/errors';
import { currentLease, LeaseLock, LeaseLostError, type LeaseBackend } from './lease-lock';

/** A store of lock holders in memory, judged by the test's clock: a fake of Redis or DynamoDB. */
class FakeLeases implements LeaseBackend {
  readonly locks = new Map<string, { holder: string; until: number }>();
  down = false;
  constructor(private readonly now: () => number) {}

  acquire(name: string, holder: string, leaseMs: number): Promise<boolean> {
    if (this.down) return Promise.reject(new StoreUnavailableError());
    const lock = this.locks.get(name);
    if (lock && lock.until > this.now()) return Promise.resolve(false);
    this.locks.set(name, { holder, until: this.now() + leaseMs });
    return Promise.resolve(true);
  }

  renew(name: string, holder: string, leaseMs: number): Promise<boolean> {
    if (this.down) return Promise.reject(new StoreUnavailableError());
    if (this.locks.get(name)?.holder !== holder) return Promise.resolve(false);
    this.locks.set(name, { holder, until: this.now() + leaseMs });
    return Promise.resolve(true);
  }

  release(name: string, holder: string): Promise<void> {
    if (this.locks.get(name)?.holder === holder) this.locks.delete(name);
    return Promise.resolve();
  }
}

describe('LeaseLock', () => {
  let at: number;
  let leases: FakeLeases;
  const lock = () =>
    new LeaseLock(leases, { leaseMs: 30_000, waitMs: 50, pollMs: 5, renewEveryMs: 3_600_000, now: () => at });

  beforeEach(() => {
    at = 1_000_000;
    leases = new FakeLeases(() => at);
  });

  it('runs the work with its lease, and frees the lock after', async () => {
    await expect(
      lock().run('k', () => {
        expect(currentLease()?.held).toBe(true);
        return Promise.resolve('done');
      }),
    ).resolves.toBe('done');
    expect(currentLease()).toBeUndefined();
    expect(leases.locks.size).toBe(0);
  });

  it('counts the lease as lost a margin before others may take it, for their clocks', async () => {
    await lock().run('k', () => {
      at += 30_000 - 2_001;
      expect(currentLease()?.held).toBe(true);
      at += 2;
      expect(() => currentLease()?.assertHeld()).toThrow(LeaseLostError);
      return Promise.resolve();
    });
  });

  it('keeps a renewed lease, and survives a renewal that met an outage until its term ends', async () => {
    await lock().run('k', async () => {
      const lease = currentLease();
      at += 20_000;
      await lease?.renew();
      at += 20_000;
      expect(lease?.held).toBe(true);
      leases.down = true;
      await expect(lease?.renew()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(lease?.held).toBe(true);
      at += 10_000;
      expect(lease?.held).toBe(false);
    });
  });

  it('loses the lease for good once a renewal finds another holder, and leaves that holder alone', async () => {
    await lock().run('k', async () => {
      leases.locks.set('k', { holder: 'another', until: at + 30_000 });
      await currentLease()?.renew();
      expect(currentLease()?.held).toBe(false);
      expect(() => currentLease()?.assertHeld()).toThrow(LeaseLostError);
    });
    expect(leases.locks.get('k')?.holder).toBe('another');
  });

  it('fences a nested section on the outer lease too', async () => {
    await lock().run('address:a', async () => {
      const outer = currentLease();
      await lock().run('account:u', async () => {
        const inner = currentLease();
        expect(inner).not.toBe(outer);
        expect(inner?.held).toBe(true);
        leases.locks.set('address:a', { holder: 'another', until: at + 30_000 });
        await outer?.renew();
        expect(() => inner?.assertHeld()).toThrow(LeaseLostError);
      });
    });
  });

  it('gives up on a busy lock with a 503 after waiting', async () => {
    leases.locks.set('k', { holder: 'another', until: at + 30_000 });
    await expect(lock().run('k', () => Promise.resolve())).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
