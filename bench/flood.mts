import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { provisionPool } from '../src/provisioning/provision-pool.ts';
import { startSmtp, type SmtpSink } from '../test/support/smtp.ts';
import { startCognitoFidelity } from '../tools/cognito-fidelity.ts';
import { installedMotoPython, startMoto } from '../tools/moto.ts';
import { startServer } from './servers.mts';
import { serviceSpec, type CognitoTarget } from './specs.mts';

/*
 * Issue 21's flood as a bench (`npm run bench:flood`): many client addresses each send signups of
 * new addresses, within the per-IP limit, in a few seconds, while one real user signs up in the
 * middle of it. The built service runs against moto behind the fidelity layer and a real SMTP sink,
 * once with admission control off (before) and once on (after), each on a pool of its own. It
 * reports the real user's activation-mail latency, the junk Cognito accounts made, and what
 * readiness answered while the queue drained. Figures, not assertions: timing is never asserted.
 */

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const CLIENTS = Number(process.env.BENCH_FLOOD_CLIENTS ?? 30);
/** Under the default per-IP limit (30 a minute), so that only the global budget can stop them. */
const PER_CLIENT = Number(process.env.BENCH_FLOOD_PER_CLIENT ?? 20);
const SENDERS = 20;
const REAL_USER_IP = '203.0.113.7';

export interface FloodResult {
  mode: string;
  posted: number;
  accepted: number;
  refused503: number;
  floodSeconds: number;
  /** From the real user's first POST to their activation mail; tries includes retries after a 503. */
  realUserSeconds: number;
  realUserTries: number;
  junkAccounts: number;
  drainSeconds: number;
  readiness: { answers: number; non200: number; maxWaiting: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function provision(endpoint: string, poolName: string): Promise<CognitoTarget> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    return { endpoint, region: REGION, ...(await provisionPool(client, { poolName })) };
  } finally {
    client.destroy();
  }
}

/** Every user in the pool, straight from moto (no lag, no quota). */
async function countUsers(endpoint: string, userPoolId: string): Promise<number> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    let count = 0;
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken: token }),
      );
      count += page.Users?.length ?? 0;
      token = page.PaginationToken;
    } while (token);
    return count;
  } finally {
    client.destroy();
  }
}

const post = (url: string, email: string, ip: string) =>
  fetch(`${url}/accounts/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ email }),
  });

/** The real user: signs up, and on a 503 waits Retry-After and tries again, as a client should. */
async function realUser(url: string, sink: SmtpSink, email: string) {
  const started = performance.now();
  let tries = 0;
  for (;;) {
    tries++;
    const res = await post(url, email, REAL_USER_IP);
    await res.arrayBuffer();
    if (res.status === 202) break;
    if (res.status !== 503) throw new Error(`the real user's signup answered ${res.status}`);
    await sleep(Number(res.headers.get('retry-after') ?? 1) * 1_000);
  }
  await sink.waitForMail(email, { timeoutMs: 600_000 });
  return { seconds: (performance.now() - started) / 1_000, tries };
}

/** Polls readiness once a second until the queue is empty; what it answered meanwhile. */
async function watchReadiness(url: string, floodDone: Promise<unknown>) {
  const seen = { answers: 0, non200: 0, maxWaiting: 0 };
  await floodDone;
  for (;;) {
    const res = await fetch(`${url}/health/ready`);
    const body = (await res.json()) as { backlog?: { waiting: number } };
    seen.answers++;
    if (res.status !== 200) seen.non200++;
    const waiting = body.backlog?.waiting ?? 0;
    seen.maxWaiting = Math.max(seen.maxWaiting, waiting);
    if (waiting === 0) return seen;
    await sleep(1_000);
  }
}

async function floodOnce(mode: string, env: Record<string, string>, target: CognitoTarget, sink: SmtpSink) {
  const api = await startServer(
    serviceSpec(target, sink.url, {
      // The worktree's own `nest build`, run in place.
      build: { name: 'service', dir: new URL('../dist', import.meta.url).pathname },
      env: { ...env, RATE_LIMIT_ENABLED: 'true', TRUST_PROXY: '1', LOG_LEVEL: 'error' },
    }),
  );
  try {
    const tag = `${mode.replace(/\W+/g, '-')}-${process.pid}`;
    const requests = Array.from({ length: CLIENTS * PER_CLIENT }, (_, n) => ({
      email: `junk-${tag}-${n}@example.com`,
      ip: `198.51.${100 + Math.floor((n % CLIENTS) / 250)}.${((n % CLIENTS) % 250) + 1}`,
    }));
    const statuses: number[] = [];
    const started = performance.now();
    let real: Promise<{ seconds: number; tries: number }> | undefined;
    const flood = (async () => {
      for (let next = 0; next < requests.length;) {
        const batch = requests.slice(next, (next += SENDERS));
        if (!real && next >= requests.length / 2) real = realUser(api.url, sink, `real-${tag}@example.com`);
        const answers = await Promise.all(batch.map(({ email, ip }) => post(api.url, email, ip)));
        for (const res of answers) {
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      }
      return (performance.now() - started) / 1_000;
    })();
    const readiness = watchReadiness(api.url, flood);
    const floodSeconds = await flood;
    const [user, ready] = await Promise.all([real!, readiness]);
    const drainSeconds = (performance.now() - started) / 1_000;
    const users = await countUsers(target.endpoint, target.userPoolId);
    return {
      mode,
      posted: statuses.length,
      accepted: statuses.filter((status) => status === 202).length,
      refused503: statuses.filter((status) => status === 503).length,
      floodSeconds,
      realUserSeconds: user.seconds,
      realUserTries: user.tries,
      junkAccounts: users - 1,
      drainSeconds,
      readiness: ready,
    } satisfies FloodResult;
  } finally {
    await api.stop();
  }
}

export async function measureFlood(): Promise<FloodResult[]> {
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const moto = await startMoto();
    stops.push(() => moto.stop());
    const fidelity = await startCognitoFidelity({ target: moto.endpoint, python: installedMotoPython() });
    stops.push(() => fidelity.stop());
    const sink = await startSmtp();
    stops.push(() => sink.stop());
    const results: FloodResult[] = [];
    for (const [mode, env] of [
      ['before: admission off', { ADMISSION_ENABLED: 'false' }],
      ['after: admission on', { ADMISSION_ENABLED: 'true' }],
    ] as const) {
      const target = await provision(fidelity.endpoint, `bench-flood-${results.length}`);
      results.push(await floodOnce(mode, env, target, sink));
    }
    return results;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** The report: one row per mode, then the after/before ratios. */
export function floodSection(results: FloodResult[]): string {
  const rows = results.map((r) =>
    [
      r.mode,
      `${r.posted} in ${r.floodSeconds.toFixed(1)} s`,
      `${r.accepted} / ${r.refused503}`,
      `${r.realUserSeconds.toFixed(1)} s (${r.realUserTries} ${r.realUserTries === 1 ? 'try' : 'tries'})`,
      String(r.junkAccounts),
      `${r.drainSeconds.toFixed(1)} s`,
      `${r.readiness.answers - r.readiness.non200} of ${r.readiness.answers} 200, most waiting ${r.readiness.maxWaiting}`,
    ].join(' | '),
  );
  const [before, after] = results;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  return [
    `${CLIENTS} client addresses × ${PER_CLIENT} signups of new addresses (within the per-IP limit of 30 a minute), ` +
      `${SENDERS} in flight at a time, against the built service on moto behind the fidelity layer, default quotas and margin, ` +
      'in-process queue; the real user signs up when half the flood is sent and retries after Retry-After on a 503.',
    '',
    "| mode | flood posted | 202 / 503 | real user's activation mail | junk Cognito accounts | until drained | /health/ready while draining |",
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    before && after
      ? `After / before: real user's latency ×${ratio(after.realUserSeconds, before.realUserSeconds)}, ` +
        `junk accounts ×${ratio(after.junkAccounts, before.junkAccounts)}, drain time ×${ratio(after.drainSeconds, before.drainSeconds)}.`
      : '',
  ].join('\n');
}

if (import.meta.filename === process.argv[1]) {
  const results = await measureFlood();
  process.stdout.write(`${floodSection(results)}\n`);
}
