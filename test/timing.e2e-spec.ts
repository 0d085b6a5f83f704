import { ACTIVATION_LINK_PREFIX } from './support/env';
import { linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { startStack, type TestStack } from './support/stack';

/** Cognito as far away as in a real region: every call takes this much longer than moto on loopback. */
const COGNITO_LATENCY_MS = 40;
const SAMPLES_PER_GROUP = 24;

type Group = 'new' | 'invited' | 'active';

/**
 * The best a stranger can do from response times alone: the share of two groups' samples that the
 * best single threshold sorts correctly (0.5 is chance, 1 is a perfect tell).
 */
export function bestThresholdAccuracy(a: number[], b: number[]): number {
  const labelled = [...a.map((t) => ({ t, inA: true })), ...b.map((t) => ({ t, inA: false }))].sort(
    (x, y) => x.t - y.t,
  );
  let best = 0;
  // Everything at or below the cut guessed as one group, the rest as the other; either way round.
  for (let cut = 0; cut <= labelled.length; cut += 1) {
    const below = labelled.slice(0, cut);
    const above = labelled.slice(cut);
    const right = below.filter((x) => x.inA).length + above.filter((x) => !x.inA).length;
    best = Math.max(best, right / labelled.length, 1 - right / labelled.length);
  }
  return best;
}

/**
 * What noise alone scores: the best-threshold accuracy of the same samples under random relabelling,
 * at its `q` quantile. A tell must beat that; pure noise stays within it.
 */
export function noiseAccuracy(a: number[], b: number[], q = 0.99, shuffles = 400): number {
  const all = [...a, ...b];
  const scores: number[] = [];
  for (let i = 0; i < shuffles; i += 1) {
    const shuffled = [...all];
    for (let j = shuffled.length - 1; j > 0; j -= 1) {
      const k = Math.floor(Math.random() * (j + 1));
      [shuffled[j], shuffled[k]] = [shuffled[k], shuffled[j]];
    }
    scores.push(bestThresholdAccuracy(shuffled.slice(0, a.length), shuffled.slice(a.length)));
  }
  return scores.sort((x, y) => x - y)[Math.floor(q * (scores.length - 1))];
}

describe('signup timing tells nothing about an address (Cognito 40 ms away)', () => {
  let stack: TestStack;
  let latency: LatencyProxy;
  let n = 0;
  const freshEmail = () => `timing${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({
      endpointFor: async (fidelity) => {
        latency = await startLatencyProxy(fidelity, COGNITO_LATENCY_MS);
        return latency.url;
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await latency?.close();
  });

  const signup = async (email: string): Promise<number> => {
    const started = process.hrtime.bigint();
    const answer = await stack.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(answer.statusCode).toBe(202);
    return ms;
  };

  it('new, not yet activated and active addresses answer alike, to a threshold no better than chance', async () => {
    const invited = Array.from({ length: SAMPLES_PER_GROUP }, freshEmail);
    const active = Array.from({ length: SAMPLES_PER_GROUP }, freshEmail);
    for (const email of [...invited, ...active]) await signup(email);
    await Promise.all(
      [...invited, ...active].map((email) => stack.smtp.waitForMail(email, { timeoutMs: 30_000 })),
    );
    for (const email of active) {
      const { username, token } = linkParams(stack.smtp.mailsTo(email)[0]?.text, ACTIVATION_LINK_PREFIX);
      const done = await stack.app.inject({
        method: 'POST',
        url: '/accounts/signup/complete',
        payload: { username, token, password: TEST_PASSWORD },
      });
      expect(done.statusCode).toBe(200);
    }
    await jobsDone(stack.app, 60_000);

    // Interleaved, so whatever the machine does meanwhile spreads over every group alike; each
    // request's own job runs after its answer, and is waited for before the next sample.
    const times: Record<Group, number[]> = { new: [], invited: [], active: [] };
    for (let i = 0; i < SAMPLES_PER_GROUP; i += 1) {
      const round: [Group, string][] = [
        ['new', freshEmail()],
        ['invited', invited[i]],
        ['active', active[i]],
      ];
      // In a random order each round: the job a sample leaves behind (a new account's is the heaviest)
      // must not always precede the same group's sample.
      round.sort(() => Math.random() - 0.5);
      for (const [group, email] of round) {
        times[group].push(await signup(email));
        await jobsDone(stack.app, 30_000);
      }
    }

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    // The answer does no Cognito call at all: each median stays far below one round trip.
    for (const group of ['new', 'invited', 'active'] as const)
      expect(median(times[group])).toBeLessThan(COGNITO_LATENCY_MS);
    // No better than chance within noise: each pair scores no more than the same samples relabelled at
    // random do at their 99th percentile (about 0.75 for 24 against 24); a real tell scores near 1.
    for (const [a, b] of [
      [times.new, times.invited],
      [times.new, times.active],
      [times.invited, times.active],
    ] as const) {
      expect(bestThresholdAccuracy(a, b)).toBeLessThanOrEqual(Math.max(noiseAccuracy(a, b), 0.75) + 0.03);
    }
  }, 240_000);

  it('the measure itself tells groups apart when their times differ', () => {
    expect(bestThresholdAccuracy([1, 2, 3], [10, 11, 12])).toBe(1);
    expect(bestThresholdAccuracy([1, 10, 2, 11], [1, 10, 2, 11])).toBeLessThanOrEqual(0.75);
    // Separate groups of 24 score 1, far above what their relabelling scores.
    const fast = Array.from({ length: 24 }, (_, i) => 1 + i / 100);
    const slow = Array.from({ length: 24 }, (_, i) => 2 + i / 100);
    expect(bestThresholdAccuracy(fast, slow)).toBe(1);
    expect(noiseAccuracy(fast, slow)).toBeLessThan(0.85);
  });
});
