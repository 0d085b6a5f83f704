import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let now = 1_000;
  const cache = () => new ExpiringCache<string>(3, () => now);

  beforeEach(() => {
    now = 1_000;
  });

  it('returns a value until the instant it expires, and never after', () => {
    const c = cache();
    c.set('a', 'A', 2_000);
    now = 1_999;
    expect(c.get('a')).toBe('A');
    now = 2_000;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('does not keep a value that is already expired', () => {
    const c = cache();
    c.set('a', 'A', 1_000);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('stays within its bound, dropping the oldest entry first', () => {
    const c = cache();
    for (const key of ['a', 'b', 'c', 'd']) c.set(key, key.toUpperCase(), 5_000);
    expect(c.size).toBe(3);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('d')).toBe('D');
  });

  it('forgets a deleted entry and replaces a re-set one', () => {
    const c = cache();
    c.set('a', 'A', 5_000);
    c.set('a', 'A2', 5_000);
    expect(c.get('a')).toBe('A2');
    c.delete('a');
    expect(c.get('a')).toBeUndefined();
  });
});
