import { IdentityProviderUnavailableError, MailUnavailableError, NotAuthorizedError } from '../common/errors';
import { RetryPolicy } from './retry-policy';

describe('RetryPolicy', () => {
  const policy = new RetryPolicy({ backoffBaseMs: 1_000, backoffMaxMs: 60_000, horizonMs: 3_600_000 });

  it('doubles the wait after each failed run, up to the cap', () => {
    expect([1, 2, 3, 4, 7, 8, 30].map((attempt) => policy.delayAfter(attempt))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('retries outages of Cognito and of the mail server until the horizon', () => {
    const start = 0;
    expect(policy.nextDelay(new MailUnavailableError(), 1, start, start)).toBe(1_000);
    expect(policy.nextDelay(new IdentityProviderUnavailableError(), 3, start, 10_000)).toBe(4_000);
    expect(policy.nextDelay(new MailUnavailableError(), 80, start, 3_550_000)).toBeUndefined();
  });

  it('does not retry what would fail the same way again', () => {
    expect(policy.nextDelay(new NotAuthorizedError(), 1, 0, 0)).toBeUndefined();
    expect(policy.nextDelay(new TypeError('bug'), 1, 0, 0)).toBeUndefined();
  });

  it('counts how many runs fit in the horizon, for engines that count attempts', () => {
    // 1+2+4+8+16+32 s = 63 s, then 60 s each: 6 doublings + floor((3600-63)/60) = 58 capped waits.
    expect(policy.maxAttempts).toBe(1 + 6 + 58);
    expect(new RetryPolicy({ backoffBaseMs: 1_000, backoffMaxMs: 1_000, horizonMs: 500 }).maxAttempts).toBe(
      1,
    );
  });
});
