import { RateLimitedError } from '../common/errors';
import { MemoryCounterStore } from '../coordination/memory-coordination';
import { MailBudget } from './mail-budget';

const budget = (enabled = true) =>
  new MailBudget(new MemoryCounterStore(), {
    enabled,
    ipPerMinute: 30,
    mailsPerAddressPerHour: 3,
    userPerMinute: 10,
    adminPerMinute: 60,
  });

const refusals = async (limiter: MailBudget, address: string) =>
  limiter.allowSignedIn('email-change', address).then(
    () => undefined,
    (error: unknown) => error,
  );

describe('MailBudget', () => {
  it('allows the budget per mailbox across every kind, then nothing', async () => {
    const limiter = budget();
    const answers = [
      await limiter.allow('activation', 'a@example.test'),
      await limiter.allow('password-reset', 'a@example.test'),
      await limiter.allow('email-taken', 'a@example.test'),
      await limiter.allow('activation', 'a@example.test'),
    ];
    expect(answers).toEqual([true, true, true, false]);
    expect(await limiter.allow('activation', 'b@example.test')).toBe(true);
  });

  it('counts +tag spellings and any case as one mailbox', async () => {
    const limiter = budget();
    await limiter.allow('activation', 'd+1@example.test');
    await limiter.allow('password-reset', 'D+2@Example.TEST');
    await limiter.allow('activation', 'd@example.test');
    expect(await limiter.allow('activation', 'd+3@example.test')).toBe(false);
    expect(await limiter.allow('activation', 'dd@example.test')).toBe(true);
  });

  it('lets no more than the budget through when asked in parallel', async () => {
    const limiter = budget();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => limiter.allow('password-reset', `c+${i}@example.test`)),
    );
    expect(answers.filter(Boolean)).toHaveLength(3);
  });

  it("keeps a signed-in lane that strangers' anonymous requests cannot spend", async () => {
    const limiter = budget();
    for (let i = 0; i < 10; i++) await limiter.allow('activation', `e+${i}@example.test`);
    expect(await refusals(limiter, 'e@example.test')).toBeUndefined();
  });

  it('refuses the signed-in lane out loud, with the time to wait', async () => {
    const limiter = budget();
    for (let i = 0; i < 3; i++) await limiter.allowSignedIn('email-change', `f+${i}@example.test`);
    const refused = await refusals(limiter, 'F@example.test');
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(3_000);
  });

  it('allows everything when rate limits are off', async () => {
    const limiter = budget(false);
    for (let i = 0; i < 5; i++) expect(await limiter.allow('activation', 'g@example.test')).toBe(true);
    for (let i = 0; i < 5; i++) expect(await refusals(limiter, 'g@example.test')).toBeUndefined();
  });
});
