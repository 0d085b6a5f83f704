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
    // The slots as booked (when each call may go), not when a busy machine's timers happened to fire.
    const slots: number[] = [];
    const reserve = store.reserveSlot.bind(store);
    store.reserveSlot = async (key, intervalMs) => {
      const wait = await reserve(key, intervalMs);
      slots.push(Date.now() + wait);
      return wait;
    };
    const quota = new CognitoQuota(
      store,
      { limits: { ...QUOTA_CATEGORIES, UserList: 10 }, margin: 0.2, maxWaitMs: 5_000 },
      () => Promise.resolve(),
    );
    expect(quota.allowed('UserList')).toBe(8);
    await Promise.all(Array.from({ length: 12 }, () => quota.acquire('ListUsersCommand')));
    // 12 calls at 8 a second: the last slot 11 intervals of 125 ms after the first.
    expect(Math.max(...slots) - Math.min(...slots)).toBeGreaterThanOrEqual(11 * 125 - 5);
    const busiest = Math.max(...slots.map((t) => slots.filter((u) => u >= t && u < t + 1_000).length));
    expect(busiest).toBeLessThanOrEqual(8);
    // Calls outside any category book nothing, and an idle category answers at once.
    const booked = slots.length;
    await quota.acquire('DescribeUserPoolCommand');
    expect(slots).toHaveLength(booked);
    await quota.acquire('AdminCreateUserCommand');
    expect(slots.at(-1)! - Date.now()).toBeLessThanOrEqual(0);
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
