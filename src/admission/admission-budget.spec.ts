import { Clock } from '../common/clock';
import { MemoryCounterStore } from '../coordination/memory-coordination';
import { AdmissionBudget, publicRequestsPerWindow } from './admission-budget';

class StillClock extends Clock {
  at = 1_700_000_000_000;
  override now(): Date {
    return new Date(this.at);
  }
}

const admission = { enabled: true, quotaShare: 0.5, windowMs: 10_000 } as const;
const config = {
  ...admission,
  maxQueueDepth: 10,
  captcha: { provider: 'none', secret: '', verifyUrl: '', timeoutMs: 1 },
} as const;

describe('publicRequestsPerWindow', () => {
  it('follows the tightest category the public jobs use, less the margin, times the share', () => {
    // Defaults less 20 %: UserUpdate 20/s is the tightest (one call a job); half of it, for 10 s.
    expect(publicRequestsPerWindow({ quotas: undefined, quotaMargin: 0.2 }, admission)).toBe(100);
    // ListUsers lowered to 5/s (4/s after the margin) takes over.
    expect(publicRequestsPerWindow({ quotas: 'UserList=5', quotaMargin: 0.2 }, admission)).toBe(20);
    // UserRead counts twice a job: 10/s allows 5 jobs/s.
    expect(
      publicRequestsPerWindow({ quotas: 'UserRead=10', quotaMargin: 0 }, { ...admission, quotaShare: 1 }),
    ).toBe(50);
  });

  it('admits at least one request a window', () => {
    expect(
      publicRequestsPerWindow(
        { quotas: 'UserList=1', quotaMargin: 0.9 },
        { quotaShare: 0.01, windowMs: 1_000 },
      ),
    ).toBe(1);
  });
});

describe('AdmissionBudget', () => {
  const setUp = () => {
    const store = new MemoryCounterStore();
    const clock = new StillClock();
    const quota = { quotas: 'UserList=1', quotaMargin: 0 };
    // Two instances on one store: 1 ListUsers a second, half of it, for 10 s = 5 a window.
    const instances = [0, 1].map(() => new AdmissionBudget(store, config, quota, clock));
    return { instances, clock };
  };

  it('shares one budget between instances and names the wait until the next window', async () => {
    const { instances, clock } = setUp();
    clock.at = Math.ceil(clock.at / 10_000) * 10_000 + 2_500;
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await instances[i % 2].take());
    expect(answers.filter((answer) => answer.admitted)).toHaveLength(5);
    expect(answers.slice(5)).toEqual([
      { admitted: false, retryAfterSeconds: 8 },
      { admitted: false, retryAfterSeconds: 8 },
    ]);
  });

  it('admits again once the clock reaches the next window', async () => {
    const { instances, clock } = setUp();
    for (let i = 0; i < 6; i++) await instances[0].take();
    expect((await instances[1].take()).admitted).toBe(false);
    clock.at += 10_000;
    expect((await instances[1].take()).admitted).toBe(true);
  });
});
