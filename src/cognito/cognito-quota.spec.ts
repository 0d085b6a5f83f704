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

  it('lets through the quota less the margin per second, then makes callers wait for the next second', async () => {
    const sleeps: number[] = [];
    const store = new MemoryCounterStore();
    const quota = new CognitoQuota(
      store,
      { limits: { ...QUOTA_CATEGORIES, UserList: 10 }, margin: 0.2, maxWaitMs: 5_000 },
      async (ms) => {
        sleeps.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    );
    expect(quota.allowed('UserList')).toBe(8);
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, () => quota.acquire('ListUsersCommand')));
    expect(sleeps.length).toBeGreaterThanOrEqual(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    // Calls outside any category never wait.
    await quota.acquire('DescribeUserPoolCommand');
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
