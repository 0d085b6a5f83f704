import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { startSmtp } from '../test/support/smtp.ts';
import { BENCH_POOL, startFakeCognito, type FakeCognito } from './fake-cognito.mts';
import { measureFlow, type FlowResult, type FlowStep } from './flow.mts';
import { jobsSection, measureJobs } from './jobs.mts';
import { CONNECTIONS, runRound, type Round, type RoundOptions, type Scenario } from './load.mts';
import {
  median,
  pairedRatio,
  renderReport,
  totalCalls,
  type AppStartup,
  type MemoryReading,
  type ScenarioRounds,
  type Target,
} from './report.mts';
import { runBench, startServer, type ServerProcess, type ServerSpec } from './servers.mts';
import {
  BARE_NEST,
  bareNestSpec,
  bareNestValidationSpec,
  rawFastifySpec,
  SERVICE,
  SERVICE_BUNDLE,
  SERVICE_BUNDLE_NEW_CONTAINER,
  SERVICE_BUNDLE_WITHOUT_COMPILE_CACHE,
  SERVICE_WITHOUT_COMPILE_CACHE,
  serviceSpec,
  snapshotServiceBuild,
  type CognitoTarget,
} from './specs.mts';

/*
 * `npm run bench`: the service's own cost next to baselines measured in the same run, interleaved.
 * Not a test: nothing here fails on a slow figure; the report says which targets were met.
 * BENCH_ROUNDS, BENCH_SECONDS and BENCH_FRESH_TOKENS scale it.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const FRESH_TOKENS = Number(process.env.BENCH_FRESH_TOKENS ?? 3_000);
const WARM_UP_SECONDS = 1;
const MEMORY_WARM_UP_REQUESTS = 20_000;
const COLD_STARTS = 5;
const FLOW_CYCLES = 10;
const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const RESULTS = fileURLToPath(new URL('results/', import.meta.url));

/**
 * Cognito calls per step as the service is designed now: signup is a queued job (ListUsers for the
 * address's holders, AdminCreateUser); complete opens the seal (AdminGetUser), checks no other holder
 * (ListUsers), marks the email verified and sets the password last (AdminSetUserPassword); the email
 * change route is a write route (GetUser with the token) and its job reads the account and the
 * address's holders; confirm swaps the address (AdminUpdateUserAttributes), cleans up the pending pair
 * (AdminDeleteUserAttributes) and stores the seal of the "this wasn't me" link it mails to the old
 * address (a second AdminUpdateUserAttributes).
 */
const DESIGNED_CALLS: Record<FlowStep, Record<string, number>> = {
  signup: { ListUsers: 1, AdminCreateUser: 1 },
  complete: { AdminGetUser: 1, ListUsers: 1, AdminUpdateUserAttributes: 1, AdminSetUserPassword: 1 },
  'email change': { GetUser: 1, AdminGetUser: 1, ListUsers: 1, AdminUpdateUserAttributes: 1 },
  confirm: { AdminGetUser: 1, ListUsers: 1, AdminUpdateUserAttributes: 2, AdminDeleteUserAttributes: 1 },
};

const LABELS = {
  hello: 'raw Fastify: GET /hello',
  verify: 'raw Fastify + aws-jwt-verify: GET (same token)',
  verifySchema: 'raw Fastify + aws-jwt-verify + JSON schema: POST, invalid body → 400',
  schemaOnly: 'raw Fastify + JSON schema (no token): POST, invalid body → 400',
  bareHealth: 'bare Nest + Fastify: GET /health',
  bareInvalid: 'bare Nest + ValidationPipe (no token): POST, invalid body → 400',
  health: 'service: GET /health',
  me: 'service: GET /accounts/me (same token)',
  meFresh: 'service: GET /accounts/me (fresh token per request)',
  emailInvalid: 'service: POST /accounts/me/email (write route), invalid body → 400',
  adminInvalid: 'service: POST /admin/invitations (admin token), invalid body → 400',
} as const;
type Id = keyof typeof LABELS;
const IDS = Object.keys(LABELS) as Id[];

/** Each scenario's baseline: the ceiling, the bare framework, or the raw equivalent of the same work. */
const BASELINES: Record<Id, Id> = {
  hello: 'hello',
  verify: 'hello',
  verifySchema: 'hello',
  schemaOnly: 'hello',
  bareHealth: 'hello',
  // What the design's framework alone pays for a 400, next to the restated targets' baseline.
  bareInvalid: 'bareHealth',
  // Issue 14's restated targets are all against bare Nest's GET /health.
  health: 'bareHealth',
  me: 'bareHealth',
  meFresh: 'verify',
  emailInvalid: 'bareHealth',
  adminInvalid: 'bareHealth',
};

const INVALID_EMAIL_BODY = JSON.stringify({ email: 'not-an-email' });

/**
 * The throughput servers' quotas: far above what the bench sends, so the per-category limiter (which
 * would hold GetUser to 96/s, Cognito's UserRead quota less the margin) does not set the figures.
 */
const UNLIMITED_QUOTAS = { COGNITO_QUOTAS: 'UserRead=1000000,UserList=1000000' };

interface Servers {
  service: ServerProcess;
  bundle: ServerProcess;
  bareNest: ServerProcess;
  bareValidation: ServerProcess;
  raw: ServerProcess;
}

function scenarios(
  { service, bareNest, bareValidation, raw }: Servers,
  fake: FakeCognito,
): Record<Id, Scenario> {
  const auth = { authorization: `Bearer ${fake.mintAccessToken()}` };
  const get = (server: ServerProcess, path: string, headers?: Record<string, string>) =>
    ({ server, method: 'GET', path, headers, status: 200 }) as const;
  const invalidPost = (server: ServerProcess, path: string) =>
    ({ server, method: 'POST', path, headers: auth, body: INVALID_EMAIL_BODY, status: 400 }) as const;
  const all = {
    hello: get(raw, '/hello'),
    verify: get(raw, '/verified', auth),
    verifySchema: invalidPost(raw, '/email'),
    schemaOnly: invalidPost(raw, '/email-schema'),
    bareHealth: get(bareNest, '/health'),
    bareInvalid: invalidPost(bareValidation, '/email'),
    health: get(service, '/health'),
    me: get(service, '/accounts/me', auth),
    meFresh: { ...get(service, '/accounts/me'), freshTokens: () => mintTokens(fake, FRESH_TOKENS) },
    emailInvalid: invalidPost(service, '/accounts/me/email'),
    adminInvalid: invalidPost(service, '/admin/invitations'),
  };
  return Object.fromEntries(IDS.map((id) => [id, { ...all[id], id, label: LABELS[id] }])) as Record<
    Id,
    Scenario
  >;
}

const mintTokens = (fake: FakeCognito, count: number) =>
  Array.from({ length: count }, () => fake.mintAccessToken());

async function coldStarts(specs: ServerSpec[]): Promise<AppStartup[]> {
  const startups = specs.map((spec) => ({ name: spec.name, coldStartsMs: [] as number[] }));
  // One start of each first, not counted: it reads the files into the page cache.
  for (let run = 0; run <= COLD_STARTS; run++) {
    for (const [i, spec] of specs.entries()) {
      const server = await startServer(spec);
      await server.stop();
      if (run > 0) startups[i]?.coldStartsMs.push(server.readyMs);
    }
  }
  return startups;
}

/**
 * Warm-up of every scenario, the same /health load first on the service, its bundle and bare Nest,
 * then their RSS.
 */
async function warmUp(
  all: Record<Id, Scenario>,
  bundle: ServerProcess,
  options: RoundOptions,
): Promise<MemoryReading[]> {
  const sameLoad = { ...options, requests: MEMORY_WARM_UP_REQUESTS };
  const bundleHealth = { ...all.health, server: bundle, id: 'bundleHealth', label: 'bundle: GET /health' };
  await runRound(all.health, sameLoad);
  await runRound(bundleHealth, sameLoad);
  await runRound(all.bareHealth, sameLoad);
  const memory = [all.health, bundleHealth, all.bareHealth].map((s) => ({
    app: s.server.name,
    when: `after ${MEMORY_WARM_UP_REQUESTS} GET /health`,
    bytes: s.server.rssBytes(),
  }));
  for (const scenario of Object.values(all)) await runRound(scenario, options);
  return memory;
}

/** ROUNDS passes over every scenario, one round each per pass, so noise hits them all alike. */
async function interleavedRounds(
  all: Record<Id, Scenario>,
  options: RoundOptions,
): Promise<ScenarioRounds[]> {
  const rows = IDS.map((id) => ({
    scenario: all[id],
    row: { label: LABELS[id], baseline: LABELS[BASELINES[id]], rounds: [] as Round[] },
  }));
  for (let pass = 0; pass < ROUNDS; pass++) {
    process.stderr.write(`pass ${pass + 1}/${ROUNDS}\n`);
    for (const { scenario, row } of rows) row.rounds.push(await runRound(scenario, options));
  }
  return rows.map(({ row }) => row);
}

async function throughput(fake: FakeCognito, cognito: CognitoTarget, smtpUrl: string) {
  const servers: Partial<Servers> = {};
  try {
    servers.service = await startServer(serviceSpec(cognito, smtpUrl, { env: UNLIMITED_QUOTAS }));
    servers.bundle = await startServer(serviceSpec(cognito, smtpUrl, { bundled: true }));
    servers.bareNest = await startServer(bareNestSpec);
    servers.bareValidation = await startServer(bareNestValidationSpec);
    servers.raw = await startServer(rawFastifySpec(cognito, fake.jwks));
    const all = scenarios(servers as Servers, fake);
    const cognitoCalls = () => Object.values(fake.calls()).reduce((a, b) => a + b, 0);
    const memory = await warmUp(all, servers.bundle, { seconds: WARM_UP_SECONDS, cognitoCalls });
    // Only its memory after warm-up is measured: stopped so it takes no CPU from the rounds.
    await servers.bundle.stop();
    const rows = await interleavedRounds(all, { seconds: SECONDS, cognitoCalls });
    memory.push({ app: servers.service.name, when: 'after every round', bytes: servers.service.rssBytes() });
    return { rows, memory };
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

function targets(
  rows: ScenarioRounds[],
  startups: AppStartup[],
  memory: MemoryReading[],
  flow: FlowResult,
): Target[] {
  const coldStart = (name: string) => median(startups.find((s) => s.name === name)?.coldStartsMs ?? []);
  const rss = (app: string) => memory.find((m) => m.app === app)?.bytes ?? NaN;
  const designed = totalCalls(DESIGNED_CALLS);
  const rps = (label: string) => pairedRatio(rows, label, 'rps');
  const vsBareNest = (id: Id, bound: number): Target => ({
    what: `req/s of "${LABELS[id]}" / "${LABELS.bareHealth}"`,
    ratio: rps(LABELS[id]),
    bound,
    kind: 'min',
  });
  return [
    vsBareNest('health', 0.85),
    vsBareNest('me', 0.7),
    vsBareNest('adminInvalid', 0.5),
    vsBareNest('emailInvalid', 0.5),
    ...[
      SERVICE_BUNDLE,
      SERVICE_BUNDLE_NEW_CONTAINER,
      SERVICE_BUNDLE_WITHOUT_COMPILE_CACHE,
      SERVICE,
      SERVICE_WITHOUT_COMPILE_CACHE,
    ].map((service) => ({
      what: `cold start of the ${service} / ${BARE_NEST}`,
      ratio: coldStart(service) / coldStart(BARE_NEST),
      bound: 1.3,
      kind: 'max' as const,
    })),
    ...[SERVICE_BUNDLE, SERVICE].map((service) => ({
      what: `RSS after warm-up of the ${service} / ${BARE_NEST}`,
      ratio: rss(service) / rss(BARE_NEST),
      bound: 1.3,
      kind: 'max' as const,
    })),
    {
      what: `Cognito calls per account cycle / the README flow's ${designed}`,
      ratio: totalCalls(flow.callsPerCycle) / designed,
      bound: 1,
      kind: 'max',
    },
  ];
}

function machine(): string {
  const [one, five] = loadavg();
  return (
    `${cpus()[0]?.model ?? 'an unknown CPU'} (nproc ${availableParallelism()}), Node ${process.version}, Linux ${release()}, ` +
    `load average ${one?.toFixed(2)} (1 min) / ${five?.toFixed(2)} (5 min) at the start`
  );
}

const SETTINGS =
  `autocannon on loopback, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per scenario ` +
  `(fresh-token rounds: ${FRESH_TOKENS} requests, one new token each, signed before the round) after ${WARM_UP_SECONDS} s of warm-up; ` +
  'figures are medians over the rounds; every ratio is the median of a round’s figure over its baseline’s in the same pass ' +
  '(req/s: higher is better; latency and CPU: lower is better). CPU is the server process’s user + system time from ' +
  '/proc per request. **Cognito for the guarded routes is a fake inside the bench process that answers the JWKS, ' +
  'AdminGetUser and GetUser at once: these figures are the service’s own cost, not Cognito’s.** The service runs as `node main.js` ' +
  'from a copy of `dist/`, with LOG_LEVEL=warn, RATE_LIMIT_ENABLED=false and COGNITO_QUOTAS raised out of the way ' +
  '(UserRead, UserList); `service (bundle)` is `npm run bundle`’s dist/bundle/main.mjs; the baselines are bench/apps/, compiled by tsc.';

/** Written as prettier would format it, so that the committed latest.md passes `prettier --check`. */
async function writeResults(report: string, startedAt: Date): Promise<string> {
  const file = `${RESULTS}${startedAt.toISOString().replace(/[:.]/g, '-')}.md`;
  const markdown = await format(report, { ...(await resolveConfig(file)), filepath: file });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(file, markdown);
  writeFileSync(`${RESULTS}latest.md.tmp`, markdown);
  renameSync(`${RESULTS}latest.md.tmp`, `${RESULTS}latest.md`);
  return file;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machineLine = machine();
  snapshotServiceBuild();
  const fake = await startFakeCognito();
  const sink = await startSmtp();
  try {
    process.stderr.write('cold starts…\n');
    const cognito = { ...BENCH_POOL, endpoint: fake.endpoint };
    const startups = await coldStarts([
      serviceSpec(cognito, sink.url),
      serviceSpec(cognito, sink.url, { compileCache: false }),
      serviceSpec(cognito, sink.url, { bundled: true }),
      serviceSpec(cognito, sink.url, { bundled: true, compileCache: false }),
      serviceSpec(cognito, sink.url, { newContainer: true }),
      bareNestSpec,
      rawFastifySpec(),
    ]);
    process.stderr.write('throughput…\n');
    const { rows, memory } = await throughput(fake, cognito, sink.url);
    process.stderr.write('flow on moto…\n');
    const flow = await measureFlow(FLOW_CYCLES);
    process.stderr.write('signup jobs per queue backend…\n');
    const jobs = await measureJobs(JOBS);
    const report = renderReport({
      startedAt,
      machine: machineLine,
      settings: SETTINGS,
      scenarios: rows,
      startups,
      memory,
      flow,
      designedCalls: DESIGNED_CALLS,
      targets: targets(rows, startups, memory, flow),
    });
    const body = `${report}\n### Signup jobs per queue backend (issue 11)\n\n${jobsSection(jobs)}\n`;
    const file = await writeResults(`# cognito-accounts benchmark\n\n${body}`, startedAt);
    process.stdout.write(`${body}\nWritten to ${file} and bench/results/latest.md\n`);
  } finally {
    await Promise.all([fake.close(), sink.stop()]);
  }
}

runBench(main);
