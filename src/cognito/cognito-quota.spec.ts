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
    const store = new MemoryCounterStore();
    const quota = new CognitoQuota(store, {
      limits: { ...QUOTA_CATEGORIES, UserList: 10 },
      margin: 0.2,
      maxWaitMs: 5_000,
    });
    expect(quota.allowed('UserList')).toBe(8);
    const passed: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        await quota.acquire('ListUsersCommand');
        passed.push(Date.now());
      }),
    );
    // 12 calls at 8 a second: the last one 11 slots of 125 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(11 * 125 - 20);
    const busiest = Math.max(...passed.map((t) => passed.filter((u) => u >= t && u < t + 980).length));
    expect(busiest).toBeLessThanOrEqual(8);
    // Calls outside any category never wait, and an idle category answers at once.
    await quota.acquire('DescribeUserPoolCommand');
    const idle = Date.now();
    await quota.acquire('AdminCreateUserCommand');
    expect(Date.now() - idle).toBeLessThan(50);
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
