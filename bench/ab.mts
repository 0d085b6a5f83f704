import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { BENCH_POOL, startFakeCognito } from './fake-cognito.mts';
import { runRound, type Round, type Scenario } from './load.mts';
import { median } from './report.mts';
import { startSmtp } from '../test/support/smtp.ts';
import { runBench, startServer, type ServerProcess } from './servers.mts';
import { serviceSpec } from './specs.mts';

/*
 * `node bench/ab.mts <dist copy A> <dist copy B> [more copies]`: a focused A/B of builds of the
 * service on the routes where a change in the request path shows, each build a process of its own
 * against the bench's fake Cognito. Every pass runs each route once on every build, in an order that
 * turns round each pass, so the machine's noise hits the builds alike; each figure is the median over
 * the passes of a build's figure over the first build's in the same pass. BENCH_ROUNDS passes (7),
 * BENCH_SECONDS per round (3), BENCH_ROUTES picks routes by id (all by default).
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const INVALID_EMAIL_BODY = JSON.stringify({ email: 'not-an-email' });
const UNLIMITED_QUOTAS = { COGNITO_QUOTAS: 'UserRead=1000000,UserList=1000000' };

type Route = Omit<Scenario, 'server' | 'label'>;

function routes(token: string): Route[] {
  const auth = { authorization: `Bearer ${token}` };
  const invalid = { method: 'POST', headers: auth, body: INVALID_EMAIL_BODY, status: 400 } as const;
  const all: Route[] = [
    { id: 'health', method: 'GET', path: '/health', status: 200 },
    { id: 'me', method: 'GET', path: '/accounts/me', headers: auth, status: 200 },
    { id: 'emailInvalid', path: '/accounts/me/email', ...invalid },
    { id: 'adminInvalid', path: '/admin/invitations', ...invalid },
  ];
  const picked = process.env.BENCH_ROUTES?.split(',');
  return picked ? all.filter((route) => picked.includes(route.id)) : all;
}

const label = (route: Route) => `${route.method} ${route.path} → ${route.status}`;
const ratioCell = (ratios: number[]) =>
  `${median(ratios).toFixed(3)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;

async function main(): Promise<void> {
  const dirs = process.argv.slice(2);
  if (dirs.length < 2 || dirs.some((dir) => !existsSync(`${dir}/main.js`))) {
    throw new Error('usage: node bench/ab.mts <dist copy A> <dist copy B> [...]: each with a main.js');
  }
  const fake = await startFakeCognito();
  const sink = await startSmtp();
  const servers: ServerProcess[] = [];
  try {
    const cognito = { ...BENCH_POOL, endpoint: fake.endpoint };
    for (const [i, dir] of dirs.entries()) {
      const build = { dir, name: String.fromCharCode(65 + i) };
      servers.push(await startServer(serviceSpec(cognito, sink.url, { env: UNLIMITED_QUOTAS, build })));
    }
    const picked = routes(fake.mintAccessToken());
    const options = {
      seconds: SECONDS,
      cognitoCalls: () => Object.values(fake.calls()).reduce((a, b) => a + b, 0),
    };
    const rounds = picked.map(() => servers.map(() => [] as Round[]));
    const scenario = (route: Route, server: ServerProcess): Scenario => ({
      ...route,
      server,
      label: label(route),
    });
    // Warm-up: one short round of every route on every build.
    for (const route of picked) {
      for (const server of servers) await runRound(scenario(route, server), { ...options, seconds: 1 });
    }
    for (let pass = 0; pass < ROUNDS; pass++) {
      process.stderr.write(`pass ${pass + 1}/${ROUNDS}\n`);
      for (const [r, route] of picked.entries()) {
        const order = servers.map((_, i) => i);
        if (pass % 2 === 1) order.reverse();
        for (const i of order) rounds[r][i].push(await runRound(scenario(route, servers[i]), options));
      }
    }
    const head = [
      'route',
      ...servers.slice(1).flatMap((s) => [`req/s ${s.name}/A`, `CPU µs/req ${s.name}/A`]),
      'A: req/s, CPU µs/req',
    ];
    const lines = picked.map((route, r) => {
      const base = rounds[r][0];
      const cells = servers.slice(1).flatMap((_, k) => {
        const own = rounds[r][k + 1];
        const rps = own.map((round, p) => round.rps / base[p].rps);
        const cpu = own.map((round, p) => round.cpuMicrosPerRequest / base[p].cpuMicrosPerRequest);
        return [ratioCell(rps), ratioCell(cpu)];
      });
      const baseCell = `${median(base.map((x) => x.rps)).toFixed(0)}, ${median(base.map((x) => x.cpuMicrosPerRequest)).toFixed(0)}`;
      return [label(route), ...cells, baseCell];
    });
    const table = [head, head.map(() => '---'), ...lines]
      .map((cells) => `| ${cells.join(' | ')} |`)
      .join('\n');
    const [one] = loadavg();
    process.stdout.write(
      `${dirs.map((dir, i) => `${String.fromCharCode(65 + i)}: ${dir}`).join('\n')}\n` +
        `${ROUNDS} passes of ${SECONDS} s per route and build, load average ${one?.toFixed(2)} at the end; ` +
        'median of the per-pass ratios (min–max)\n\n' +
        `${table}\n`,
    );
  } finally {
    await Promise.all([...servers.map((server) => server.stop()), fake.close(), sink.stop()]);
  }
}

runBench(main);
