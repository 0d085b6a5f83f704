import { fileURLToPath } from 'node:url';
import { answers, startProcess } from '../child-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NEST_CLI = 'node_modules/@nestjs/cli/bin/nest.js';

export interface ApiProcess {
  /** Resolves with the exit code once the service's process has exited. */
  exited: Promise<number>;
  stop: () => Promise<void>;
}

export interface StartApiOptions {
  watch: boolean;
  /** Waits until this answers (`${url}/health`); rejects if the process exits first or `timeoutMs` passes. */
  healthUrl?: string;
  timeoutMs?: number;
}

/**
 * The service in a process of its own, exactly as it runs anywhere: `node dist/main.js` (or Nest's
 * watch mode) configured by `env` alone. It gets its own process group, so stopping it also stops
 * what watch mode spawns.
 */
export async function startApi(
  env: NodeJS.ProcessEnv,
  { watch, healthUrl, timeoutMs = 30_000 }: StartApiOptions,
): Promise<ApiProcess> {
  const api = await startProcess({
    name: 'the API',
    command: process.execPath,
    args: watch ? [NEST_CLI, 'start', '--watch'] : ['--enable-source-maps', 'dist/main.js'],
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    ready: healthUrl ? () => answers(healthUrl) : undefined,
    timeoutMs,
    pollMs: 200,
    // Graceful shutdown lets requests in flight finish; a dev server need not wait long for them.
    graceMs: 5_000,
  }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; its output above says why`);
  });
  return { exited: api.exited.then(({ code }) => code ?? 1), stop: api.stop };
}
