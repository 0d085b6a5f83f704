import { addSeal, lastExpiry, matchSeal, openSeals, sealToken } from './link-secret';

const now = new Date('2026-01-01T00:00:00Z');
const later = new Date(now.getTime() + 60_000);
const user = '0b6d8c1e-0000-4000-8000-000000000001';

describe('link secrets', () => {
  it('holds a hash and an expiry, never the token', () => {
    const sealed = sealToken('token-A', [user], later, 'job1');
    expect(sealed).not.toContain('token-A');
    expect(openSeals(sealed)).toEqual([expect.objectContaining({ tag: 'job1', expiresAt: later })]);
  });

  it('opens only for the same token and the same binding, until it expires', () => {
    const sealed = sealToken('token-A', [user, 'new@example.com'], later);
    expect(matchSeal(sealed, 'token-A', [user, 'new@example.com'], now)).toBeDefined();
    expect(matchSeal(sealed, 'token-B', [user, 'new@example.com'], now)).toBeUndefined();
    expect(matchSeal(sealed, 'token-A', [user, 'ceo@victim.test'], now)).toBeUndefined();
    expect(matchSeal(sealed, 'token-A', ['another-user', 'new@example.com'], now)).toBeUndefined();
    expect(matchSeal(sealed, 'token-A', [user, 'new@example.com'], later)).toBeUndefined();
  });

  it('keeps earlier live seals when one is added, so earlier links keep working', () => {
    let value = sealToken('first', [user], later, 'a');
    value = addSeal(value, sealToken('second', [user], later, 'b'), now, 5);
    expect(matchSeal(value, 'first', [user], now)).toBeDefined();
    expect(matchSeal(value, 'second', [user], now)).toBeDefined();
  });

  it('replaces the seal of the same job (a job run twice leaves one usable link) and drops expired ones', () => {
    let value = sealToken('old', [user], new Date(now.getTime() - 1), 'x');
    value = addSeal(value, sealToken('first-run', [user], later, 'a'), now, 5);
    value = addSeal(value, sealToken('second-run', [user], later, 'a'), now, 5);
    expect(openSeals(value)).toHaveLength(1);
    expect(matchSeal(value, 'first-run', [user], now)).toBeUndefined();
    expect(matchSeal(value, 'second-run', [user], now)).toBeDefined();
  });

  it('keeps the newest seals within the bound, and fits an attribute of 2048 characters', () => {
    let value: string | undefined;
    for (let i = 0; i < 40; i += 1)
      value = addSeal(value, sealToken(`t${i}`, [user], later, `j${i}`), now, 20);
    expect(openSeals(value)).toHaveLength(20);
    expect(value!.length).toBeLessThanOrEqual(2048);
    expect(matchSeal(value, 't39', [user], now)).toBeDefined();
    expect(matchSeal(value, 't0', [user], now)).toBeUndefined();
    expect(lastExpiry(value)).toEqual(later);
  });

  it('reads anything else as no seal', () => {
    expect(openSeals(undefined)).toEqual([]);
    expect(openSeals('spent')).toEqual([]);
    expect(openSeals('v1:123:abc')).toEqual([]);
    expect(lastExpiry('')).toBeUndefined();
  });
});
