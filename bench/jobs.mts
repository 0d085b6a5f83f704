import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { provisionPool } from '../src/provisioning/provision-pool.ts';
import { freePort, startProcess } from '../tools/child-process.ts';
import { startSmtp } from '../test/support/smtp.ts';
import { startMoto } from '../tools/moto.ts';
import { startCognitoCounter } from './counting-proxies.mts';
import { startServer } from './servers.mts';
import { serviceSpec, type CognitoTarget } from './specs.mts';

/*
 * Issue 11's bench item: signup jobs per second on each queue backend (in-process, BullMQ on a real
 * redis-server), against moto behind a counting proxy, with a low UserCreation quota so that the
 * per-category limiter is what sets the pace. Each signup of a new address is one job: ListUsers,
 * AdminCreateUser, ListUsers, one mail.
 */

export const JOB_QUOTAS = { UserCreation: 20, UserList: 100 } as const;
export const QUOTA_MARGIN = 0.2;
const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const SENDERS = 10;

export interface JobsResult {
  backend: string;
  jobs: number;
  /** From the first POST to the last activation mail. */
  seconds: number;
  jobsPerSecond: number;
  /** AdminCreateUser calls in the busiest whole second, and their mean rate over the run. */
  creationsPeakPerSecond: number;
  creationsMeanPerSecond: number;
  /** ListUsers in the busiest whole second. */
  listsPeakPerSecond: number;
}

/** A throw-away redis-server on loopback, nothing persisted (test/support/redis.ts, loadable from here). */
async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const redis = await startProcess({
    name: 'redis-server',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    stdio: 'ignore',
    ready: async () => {
      const res: unknown = await fetch(`http://127.0.0.1:${port}`).catch((error: unknown) => error);
      // redis answers an HTTP request by closing the connection: anything but "refused" means it listens.
      const cause = (res as { cause?: { code?: string } } | undefined)?.cause;
      return cause?.code !== 'ECONNREFUSED';
    },
    timeoutMs: 10_000,
    pollMs: 50,
  });
  return { url: `redis://127.0.0.1:${port}`, stop: redis.stop };
}

/** The most calls that arrived within any one-second window (sliding, not aligned to the clock). */
function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1_000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

async function provision(endpoint: string): Promise<CognitoTarget> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    return { endpoint, region: REGION, ...(await provisionPool(client, { poolName: 'bench-jobs' })) };
  } finally {
    client.destroy();
  }
}

async function signup(url: string, email: string): Promise<void> {
  const res = await fetch(`${url}/accounts/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (res.status !== 202) throw new Error(`signup of ${email} answered ${res.status}: ${await res.text()}`);
}

/** `jobs` signups of new addresses on each backend, one service process per backend. */
export async function measureJobs(jobs: number): Promise<JobsResult[]> {
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const moto = await startMoto();
    stops.push(() => moto.stop());
    const sink = await startSmtp();
    stops.push(() => sink.stop());
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const calls: { operation: string; at: number }[] = [];
    const cognito = await startCognitoCounter(moto.endpoint, (operation) =>
      calls.push({ operation, at: performance.now() }),
    );
    stops.push(() => cognito.close());
    const pool = await provision(moto.endpoint);
    const results: JobsResult[] = [];
    for (const [backend, env] of [
      ['in-process', { QUEUE_ENGINE: 'memory' }],
      ['BullMQ (redis-server)', { QUEUE_ENGINE: 'bullmq', REDIS_URL: redis.url }],
    ] as const) {
      const quotas = Object.entries(JOB_QUOTAS).map(([category, rate]) => `${category}=${rate}`);
      const api = await startServer(
        serviceSpec({ ...pool, endpoint: cognito.url }, sink.url, {
          env: {
            ...env,
            COGNITO_QUOTAS: quotas.join(','),
            COGNITO_QUOTA_MARGIN_PERCENT: String(QUOTA_MARGIN * 100),
          },
        }),
      );
      try {
        const tag = backend.replace(/\W+/g, '-');
        const emails = Array.from({ length: jobs }, (_, n) => `jobs-${process.pid}-${tag}-${n}@example.com`);
        calls.length = 0;
        const started = performance.now();
        for (let next = 0; next < emails.length;) {
          await Promise.all(emails.slice(next, (next += SENDERS)).map((email) => signup(api.url, email)));
        }
        await Promise.all(emails.map((email) => sink.waitForMail(email, { timeoutMs: 120_000 })));
        const seconds = (performance.now() - started) / 1000;
        const creations = calls.filter((c) => c.operation === 'AdminCreateUser').map((c) => c.at);
        const lists = calls.filter((c) => c.operation === 'ListUsers').map((c) => c.at);
        const span = ((creations.at(-1) ?? 0) - (creations[0] ?? 0)) / 1000;
        results.push({
          backend,
          jobs,
          seconds,
          jobsPerSecond: jobs / seconds,
          creationsPeakPerSecond: peakPerSecond(creations),
          creationsMeanPerSecond: span > 0 ? (creations.length - 1) / span : NaN,
          listsPeakPerSecond: peakPerSecond(lists),
        });
      } finally {
        await api.stop();
      }
    }
    return results;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** The section of the report. */
export function jobsSection(results: JobsResult[]): string {
  const allowed = Math.floor(JOB_QUOTAS.UserCreation * (1 - QUOTA_MARGIN));
  const rows = results.map((r) =>
    [
      r.backend,
      String(r.jobs),
      r.seconds.toFixed(1),
      r.jobsPerSecond.toFixed(1),
      String(r.creationsPeakPerSecond),
      r.creationsMeanPerSecond.toFixed(1),
      `${((100 * r.creationsMeanPerSecond) / allowed).toFixed(0)} %`,
      r.creationsPeakPerSecond <= allowed ? 'yes' : '**no**',
      String(r.listsPeakPerSecond),
    ].join(' | '),
  );
  return [
    `COGNITO_QUOTAS=UserCreation=${JOB_QUOTAS.UserCreation},UserList=${JOB_QUOTAS.UserList} and a ${QUOTA_MARGIN * 100} % margin: ` +
      `the service allows itself ${allowed} AdminCreateUser/s (UserList raised so that UserCreation is the quota that binds). ` +
      'Signups of new addresses posted 10 at a time; a job is done when its activation mail arrived. ' +
      'Cognito is moto behind the counting proxy, which timestamps every call; JOB_CONCURRENCY is its default (4).',
    '',
    '| queue backend | jobs | seconds | jobs/s | AdminCreateUser, busiest second | AdminCreateUser/s, mean | of the allowed rate | peak ≤ allowed | ListUsers, busiest second |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

if (import.meta.filename === process.argv[1]) {
  const results = await measureJobs(Number(process.env.BENCH_JOBS ?? 120));
  process.stdout.write(`${jobsSection(results)}\n`);
}
