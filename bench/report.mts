import { FLOW_STEPS, type FlowResult, type FlowStep } from './flow.mts';
import type { Round } from './load.mts';
import { BARE_NEST, RAW_FASTIFY } from './specs.mts';

/** Every round of one scenario, and the scenario its ratios are taken against. */
export interface ScenarioRounds {
  label: string;
  baseline: string;
  rounds: Round[];
}

/** Spawn-to-first-200 times of one app. */
export interface AppStartup {
  name: string;
  coldStartsMs: number[];
}

export interface MemoryReading {
  app: string;
  when: string;
  bytes: number;
}

export interface Target {
  what: string;
  /** measured / baseline, and the bound it must stay within. */
  ratio: number;
  bound: number;
  /** `min`: the ratio must be at least `bound`; `max`: at most. */
  kind: 'min' | 'max';
}

export interface BenchReport {
  startedAt: Date;
  machine: string;
  settings: string;
  scenarios: ScenarioRounds[];
  startups: AppStartup[];
  memory: MemoryReading[];
  flow: FlowResult;
  /** Cognito calls per step as the README's flow describes them. */
  designedCalls: Record<FlowStep, Record<string, number>>;
  targets: Target[];
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

type Figure = keyof Pick<Round, 'rps' | 'p50Ms' | 'p99Ms' | 'cpuMicrosPerRequest'>;
const FIGURES: Figure[] = ['rps', 'p50Ms', 'p99Ms', 'cpuMicrosPerRequest'];

/** The median over rounds of a figure divided by its baseline's in the same round (rounds are interleaved). */
export function pairedRatio(rows: ScenarioRounds[], label: string, figure: Figure): number {
  const row = rows.find((r) => r.label === label);
  const base = rows.find((r) => r.label === row?.baseline);
  if (!row || !base) throw new Error(`no rounds for ${label} or its baseline`);
  return median(row.rounds.map((round, i) => round[figure] / (base.rounds[i]?.[figure] ?? NaN)));
}

const fixed = (digits: number) => (value: number) => value.toFixed(digits);
const times = (value: number) => `${value.toFixed(2)}×`;
const table = (head: string[], rows: string[][]) =>
  [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

function throughputTable(rows: ScenarioRounds[]): string {
  const cell = (row: ScenarioRounds, figure: Figure, format: (v: number) => string) =>
    format(median(row.rounds.map((r) => r[figure])));
  return table(
    [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'CPU µs/req',
      'Cognito calls / 1k req',
      'baseline',
      'req/s ×',
      'p50 ×',
      'p99 ×',
      'CPU ×',
    ],
    rows.map((row) => [
      row.label,
      cell(row, 'rps', fixed(0)),
      cell(row, 'p50Ms', fixed(2)),
      cell(row, 'p99Ms', fixed(2)),
      cell(row, 'cpuMicrosPerRequest', fixed(0)),
      fixed(1)(1000 * median(row.rounds.map((r) => r.cognitoCallsPerRequest))),
      row.baseline === row.label ? '—' : row.baseline,
      ...FIGURES.map((figure) => times(pairedRatio(rows, row.label, figure))),
    ]),
  );
}

function coldStartTable(startups: AppStartup[]): string {
  const medianOf = (name: string) => median(startups.find((s) => s.name === name)?.coldStartsMs ?? []);
  const raw = medianOf(RAW_FASTIFY);
  const bareNest = medianOf(BARE_NEST);
  return table(
    ['app', 'median ms', 'runs (ms)', `× ${RAW_FASTIFY}`, `× ${BARE_NEST}`],
    startups.map(({ name, coldStartsMs }) => {
      const ms = median(coldStartsMs);
      return [
        name,
        fixed(0)(ms),
        coldStartsMs.map(fixed(0)).join(', '),
        times(ms / raw),
        times(ms / bareNest),
      ];
    }),
  );
}

function memoryTable(memory: MemoryReading[], baseline: MemoryReading): string {
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return table(
    ['app', 'when', 'RSS MiB', `× ${baseline.app}`],
    memory.map((m) => [m.app, m.when, mib(m.bytes), times(m.bytes / baseline.bytes)]),
  );
}

const callList = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([operation, n]) => `${operation}${n === 1 ? '' : ` ×${Number(n.toFixed(2))}`}`)
    .join(', ') || 'none';
const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

/** All calls of every step together. */
export const totalCalls = (byStep: Record<string, Record<string, number>>): number =>
  Object.values(byStep).reduce((sum, calls) => sum + total(calls), 0);

/** Operations called more (+) or fewer (−) times than designed, per cycle. */
function difference(measured: Record<string, number>, designed: Record<string, number>): string {
  const operations = new Set([...Object.keys(measured), ...Object.keys(designed)]);
  const changes = [...operations]
    .map((operation) => ({ operation, delta: (measured[operation] ?? 0) - (designed[operation] ?? 0) }))
    .filter(({ delta }) => Math.abs(delta) >= 0.005)
    .map(({ operation, delta }) => `${delta > 0 ? '+' : '−'}${callList({ [operation]: Math.abs(delta) })}`);
  return changes.join(', ') || 'as designed';
}

function flowSection(flow: FlowResult, designed: BenchReport['designedCalls']): string {
  const rows = FLOW_STEPS.map((step) => [
    step,
    callList(flow.callsPerCycle[step]),
    fixed(2)(total(flow.callsPerCycle[step])),
    callList(designed[step]),
    difference(flow.callsPerCycle[step], designed[step]),
  ]);
  const all = totalCalls(flow.callsPerCycle);
  const cognitoCalls = all * flow.cycles;
  return [
    table(['step', 'Cognito calls per cycle (measured)', 'calls', 'the README flow', 'difference'], rows),
    '',
    `- ${fixed(2)(all)} Cognito calls per complete cycle; service CPU ${fixed(1)(flow.cpuMsPerCycle)} ms per cycle ` +
      `(wall ${fixed(0)(flow.wallMsPerCycle)} ms per cycle, mostly moto).`,
    `- Connections the service opened during the ${flow.cycles} counted cycles: ${flow.cognitoConnections} to Cognito ` +
      `for ${cognitoCalls.toFixed(0)} calls, ${flow.smtpConnections} to the SMTP server for ${flow.mails} mails.`,
  ].join('\n');
}

function targetsTable(targets: Target[]): string {
  return table(
    ['target', 'measured', 'met'],
    targets.map((t) => [
      `${t.what} ${t.kind === 'min' ? '≥' : '≤'} ${t.bound}×`,
      times(t.ratio),
      (t.kind === 'min' ? t.ratio >= t.bound : t.ratio <= t.bound) ? 'yes' : '**no**',
    ]),
  );
}

/** The whole report as Markdown, its sections one level below the caller's heading. */
export function renderReport(report: BenchReport): string {
  const memoryBaseline = report.memory.find((m) => m.app === BARE_NEST) ?? report.memory[0];
  return [
    `Run ${report.startedAt.toISOString()} on ${report.machine}.`,
    '',
    report.settings,
    '',
    '### Throughput and latency',
    '',
    throughputTable(report.scenarios),
    '',
    '### Cold start (spawn to the first 200 on /health, polled every 5 ms)',
    '',
    coldStartTable(report.startups),
    '',
    'The apps start in turn, after one uncounted start of each (it fills the page cache and the ' +
      'service’s compile cache: dist/main.js keeps it in the OS temp dir, the bundle in its own ' +
      '`compile-cache/`, which `npm run bundle` fills by starting it once). `(new container)`: the bundle ' +
      'copied to another path with only the cache it shipped with, put back before every start (a first ' +
      'start after a deploy). `(compile cache off)` sets NODE_DISABLE_COMPILE_CACHE=1: no cache at all.',
    '',
    '### Memory (VmRSS)',
    '',
    memoryBaseline ? memoryTable(report.memory, memoryBaseline) : '',
    '',
    '### Cognito calls per flow (moto behind a counting proxy)',
    '',
    flowSection(report.flow, report.designedCalls),
    '',
    '### Targets',
    '',
    targetsTable(report.targets),
    '',
  ].join('\n');
}
