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

describe('MailBudget', () => {
  it('allows the budget per address and kind, then nothing', async () => {
    const limiter = budget();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await limiter.allow('activation', 'a@example.test'));
    expect(answers).toEqual([true, true, true, false, false]);
    expect(await limiter.allow('activation', 'b@example.test')).toBe(true);
    expect(await limiter.allow('email-change', 'a@example.test')).toBe(true);
  });

  it('lets no more than the budget through when asked in parallel', async () => {
    const limiter = budget();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => limiter.allow('password-reset', 'c@example.test')),
    );
    expect(answers.filter(Boolean)).toHaveLength(3);
  });

  it('counts an address whatever its case', async () => {
    const limiter = budget();
    for (let i = 0; i < 3; i++) await limiter.allow('activation', 'd@example.test');
    expect(await limiter.allow('activation', 'D@Example.TEST')).toBe(false);
  });

  it('allows everything when rate limits are off', async () => {
    const limiter = budget(false);
    for (let i = 0; i < 5; i++) expect(await limiter.allow('activation', 'e@example.test')).toBe(true);
  });
});
