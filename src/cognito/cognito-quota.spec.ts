import { IdentityProviderUnavailableError } from '../common/errors';
import { MemoryCounterStore } from '../coordination/memory-coordination';
import { CognitoQuota, parseQuotaLimits, QUOTA_CATEGORIES, quotaCategory } from './cognito-quota';

describe('CognitoQuota', () => {
  it('maps operations to Cognito quota categories', () => {
    expect(quotaCategory('AdminCreateUserCommand')).toBe('UserCreation');
    expect(quotaCategory('ListUsers')).toBe('UserList');
    expect(quotaCategory('AdminUpdateUserAttributesCommand')).toBe('UserUpdate');
    expect(quotaCategory('DescribeUserPool')).toBeUndefined();
  });

  it('parses overrides over the published defaults, and refuses nonsense', () => {
    expect(parseQuotaLimits('UserCreation=40, UserList=20')).toEqual({
      ...QUOTA_CATEGORIES,
      UserCreation: 40,
      UserList: 20,
    });
    expect(parseQuotaLimits(undefined)).toEqual(QUOTA_CATEGORIES);
    expect(() => parseQuotaLimits('UserCreations=4')).toThrow(/category/);
    expect(() => parseQuotaLimits('UserList=-1')).toThrow();
  });

  it('spaces calls so that no second, sliding, holds more than the quota less the margin', async () => {
    // Jest's clock, moved by the test: each call resumes exactly at its booked slot, whatever the load.
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    try {
      const quota = new CognitoQuota(new MemoryCounterStore(), {
        limits: { ...QUOTA_CATEGORIES, UserList: 10 },
        margin: 0.2,
        maxWaitMs: 5_000,
      });
      expect(quota.allowed('UserList')).toBe(8);
      const start = Date.now();
      const resumed: number[] = [];
      const calls = Array.from({ length: 12 }, () =>
        quota.acquire('ListUsersCommand').then(() => resumed.push(Date.now() - start)),
      );
      await jest.advanceTimersByTimeAsync(999);
      expect(resumed).toHaveLength(8);
      await jest.advanceTimersByTimeAsync(1_000);
      await Promise.all(calls);
      // 12 calls at 8 a second: one slot every 125 ms, the first at once.
      expect(resumed).toEqual(Array.from({ length: 12 }, (_, i) => i * 125));
      const busiest = Math.max(...resumed.map((t) => resumed.filter((u) => u >= t && u < t + 1_000).length));
      expect(busiest).toBe(8);
      // Calls outside any category, and an idle category, go at once: no timer needs to fire.
      await quota.acquire('DescribeUserPoolCommand');
      await quota.acquire('AdminCreateUserCommand');
    } finally {
      jest.useRealTimers();
    }
  });

  it('fails as an outage when no room comes within the longest wait', async () => {
    const quota = new CognitoQuota(
      new MemoryCounterStore(),
      { limits: { ...QUOTA_CATEGORIES, UserUpdate: 1 }, margin: 0, maxWaitMs: 10 },
      () => Promise.resolve(),
    );
    await quota.acquire('AdminUpdateUserAttributes');
    await expect(quota.acquire('AdminUpdateUserAttributes')).rejects.toBeInstanceOf(
      IdentityProviderUnavailableError,
    );
  });
});
