import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { answers, stopProcessGroup } from '../support/moto.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NEST_CLI = 'node_modules/@nestjs/cli/bin/nest.js';

export interface ApiProcess {
  /** Resolves with the exit code once the service's process has exited. */
  exited: Promise<number>;
  stop: () => Promise<void>;
}

/**
 * The service in a process of its own, exactly as it runs anywhere: `node dist/main.js` (or Nest's
 * watch mode) configured by `env` alone. It gets its own process group, so stopping it also stops
 * what watch mode spawns.
 */
export function startApi(env: NodeJS.ProcessEnv, { watch }: { watch: boolean }): ApiProcess {
  const args = watch ? [NEST_CLI, 'start', '--watch'] : ['--enable-source-maps', 'dist/main.js'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', () => resolve(1));
  });
  let running = true;
  void exited.then(() => (running = false));
  // Graceful shutdown lets requests in flight finish; a dev server need not wait long for them.
  return { exited, stop: () => (running ? stopProcessGroup(child, exited, 5_000) : Promise.resolve()) };
}

/** Resolves once `${url}/health` answers; rejects if the process exits first or `timeoutMs` passes. */
export async function waitUntilHealthy(url: string, api: ApiProcess, timeoutMs: number): Promise<void> {
  let exitCode: number | undefined;
  void api.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(`${url}/health`))) {
    if (exitCode !== undefined)
      throw new Error(`the API exited (code ${exitCode}) before it answered; its output above says why`);
    if (Date.now() > deadline)
      throw new Error(`the API did not answer ${url}/health within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
