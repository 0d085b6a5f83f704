import type { Worker } from 'bullmq';
import { JobQueue } from '../src/jobs/job-queue';
import { listUsersByEmail } from './support/cognito-pool';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { startRedis, type RedisServer } from './support/redis';
import { startStack, type TestStack } from './support/stack';
import { until } from './support/until';

/** Signup jobs on BullMQ shared by two instances through a real redis-server. */
describe('the job queue on Redis (BullMQ), shared by instances', () => {
  let stack: TestStack;
  let redis: RedisServer;
  let n = 0;
  const freshEmail = () => `queued${++n}.${Date.now()}@example.test`;
  const signup = (app: TestStack['app'], email: string) =>
    app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });

  beforeAll(async () => {
    redis = await startRedis();
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  it('a job whose instance dies mid-job is finished by another instance', async () => {
    let faults: FaultProxy | undefined;
    try {
      // Instance A reaches Cognito through a proxy that holds AdminCreateUser: its job hangs there.
      faults = await startFaultProxy(stack.fidelity.endpoint);
      faults.inject('AdminCreateUser', { kind: 'slow', holdMs: 6_000, then: 'drop' });
      const shared = { REDIS_URL: redis.url, JOB_LOCK_MS: '1000', LOCK_LEASE_MS: '2000' };
      const a = await stack.bootApp({
        env: { ...shared, COGNITO_ENDPOINT: faults.url, COGNITO_TIMEOUT_MS: '20000' },
      });
      const email = freshEmail();
      expect((await signup(a.app, email)).statusCode).toBe(202);
      await until('the job reached AdminCreateUser', () => faults?.seen.includes('AdminCreateUser') ?? false);

      // A dies: its worker stops without finishing or releasing the job (a crash, not a shutdown).
      const { worker } = a.app.get<JobQueue, { worker: Worker }>(JobQueue);
      await worker.close(true);

      // B, healthy, takes the job over once A's lock lapses, and the mail arrives.
      const b = await stack.bootApp({ env: shared });
      const mail = await stack.smtp.waitForMail(email, { timeoutMs: 20_000 });
      expect(mail.subject).toBeTruthy();
      expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
      await b.app.close();
      await a.app.close();
    } finally {
      await faults?.close();
    }
  }, 60_000);

  it('instances together stay under the shared Cognito quota', async () => {
    let proxy: LatencyProxy | undefined;
    try {
      proxy = await startLatencyProxy(stack.fidelity.endpoint, 0);
      const env = {
        REDIS_URL: redis.url,
        COGNITO_ENDPOINT: proxy.url,
        COGNITO_QUOTAS: 'UserCreation=2',
        COGNITO_QUOTA_MARGIN_PERCENT: '0',
      };
      const [one, two] = [await stack.bootApp({ env }), await stack.bootApp({ env })];
      const emails = Array.from({ length: 8 }, freshEmail);
      const sent = Date.now();
      await Promise.all(emails.map((email, i) => signup((i % 2 ? one : two).app, email)));
      await Promise.all(emails.map((email) => stack.smtp.waitForMail(email, { timeoutMs: 20_000 })));

      const creates = proxy.calls
        .filter((call) => call.operation === 'AdminCreateUser')
        .map((call) => call.at);
      expect(creates).toHaveLength(8);
      // One schedule for both instances, a slot every 500 ms: the 8th creation waits for the slot 3.5 s
      // after the first, however late a busy machine runs any of them (two schedules: 1.5 s). How the
      // slots are spaced within a second is the unit spec's (cognito-quota.spec.ts), on a moved clock.
      expect(Math.max(...creates) - sent).toBeGreaterThanOrEqual(3_490);
      await Promise.all([one.app.close(), two.app.close()]);
    } finally {
      await proxy?.close();
    }
  });
});
