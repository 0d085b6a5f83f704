import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtp } from '../test/support/smtp.ts';
import { BENCH_POOL, startFakeCognito } from './fake-cognito.mts';
import { runRound } from './load.mts';
import { killAllServers, startServer } from './servers.mts';
import { serviceSpec, snapshotServiceBuild } from './specs.mts';

/*
 * `npm run bench:profile -- <GET|POST> <path> [body]`: the service (dist/main.js) under the bench's
 * load with `--cpu-prof`, then the functions with the most self time. The profile stays in a temp
 * dir for Chrome DevTools. Used to find what each request spends, before changing anything.
 */

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function summarize(file: string, top = 30): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[] };
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
}

async function main(): Promise<void> {
  const [method = 'GET', path = '/health', body] = process.argv.slice(2);
  snapshotServiceBuild();
  const fake = await startFakeCognito();
  const sink = await startSmtp();
  const dir = mkdtempSync(join(tmpdir(), 'cognito-accounts-profile-'));
  try {
    const spec = serviceSpec({ ...BENCH_POOL, endpoint: fake.endpoint }, sink.url, {
      env: { COGNITO_QUOTAS: 'UserRead=1000000,UserList=1000000' },
    });
    const server = await startServer({ ...spec, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    const scenario = {
      id: 'profile',
      label: `${method} ${path}`,
      server,
      method: method as 'GET' | 'POST',
      path,
      headers: { authorization: `Bearer ${fake.mintAccessToken()}` },
      body,
      status: Number(process.env.PROFILE_STATUS ?? (body ? 400 : 200)),
    };
    const calls = () => Object.values(fake.calls()).reduce((a, b) => a + b, 0);
    const round = await runRound(scenario, {
      seconds: Number(process.env.BENCH_SECONDS ?? 5),
      cognitoCalls: calls,
    });
    await server.stop();
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile in ${dir}`);
    process.stdout.write(
      `${method} ${path}: ${round.rps.toFixed(0)} req/s, ${round.cpuMicrosPerRequest.toFixed(0)} µs CPU/req (profiling on)\n` +
        `${summarize(join(dir, file))}\nprofile: ${join(dir, file)}\n`,
    );
  } finally {
    await Promise.all([fake.close(), sink.stop()]);
  }
}

process.once('exit', killAllServers);
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
