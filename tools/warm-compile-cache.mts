// Fills a bundle's shipped compile cache (dist/bundle/compile-cache) by starting what it holds once,
// as a deployment would: the server until /health answers, the Lambda handler for one GET /health.
// Called by tools/bundle.mts; boots with .env.example's configuration and contacts nothing.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { answers, freePort, startProcess } from './child-process.ts';

/** The example configuration, on loopback, quiet: enough to boot, nothing called at boot. */
function bootEnv(root: string, port: number) {
  return {
    args: [`--env-file=${join(root, '.env.example')}`],
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
  };
}

/** Imports lambda.mjs, answers one API Gateway HTTP API event for GET /health, and exits. */
const LAMBDA_ONCE = `
const { handler } = await import(process.argv[1]);
const now = Date.now();
const http = { method: 'GET', path: '/health', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'warm-up' };
const answer = await handler({ version: '2.0', routeKey: '$default', rawPath: '/health', rawQueryString: '',
  headers: { host: 'localhost' }, isBase64Encoded: false,
  requestContext: { http, requestId: 'warm-up', routeKey: '$default', stage: '$default', timeEpoch: now } }, {});
if (answer.statusCode !== 200) throw new Error('GET /health answered ' + answer.statusCode);
process.exit(0);
`;

export async function warmCompileCache(bundleDir: string, root: string): Promise<void> {
  const port = await freePort();
  const { args, env } = bootEnv(root, port);
  // Stopped with SIGTERM: the server shuts down and exits, and Node writes the cache as it exits.
  const server = await startProcess({
    name: 'the bundled server (compile-cache warm-up)',
    command: process.execPath,
    args: [...args, join(bundleDir, 'main.mjs')],
    env,
    ready: () => answers(`http://127.0.0.1:${port}/health`),
    timeoutMs: 60_000,
    graceMs: 10_000,
  });
  await server.stop();
  execFileSync(
    process.execPath,
    [...args, '--input-type=module', '-e', LAMBDA_ONCE, join(bundleDir, 'lambda.mjs')],
    { env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 },
  );
  readableByAll(join(bundleDir, 'compile-cache'));
}

/**
 * Node writes its cache files for its own user only (0600); the process that reads them in a
 * container or on Lambda runs as another one, and would silently compile everything again.
 */
function readableByAll(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) readableByAll(path);
    else chmodSync(path, 0o644);
  }
}
