import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

/*
 * Starting a server in a child process and waiting until it answers: moto and redis for the tests,
 * the service for the dev stack and the bench all go through `startProcess`. Written in erasable
 * TypeScript only, so that plain `node` runs it as well as ts-jest.
 */

const OUTPUT_KEEP = 16 * 1024;

export interface StartProcessOptions {
  /** Names the process in error messages. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * `pipe` (the default) pipes all three; `output()` keeps the last 16 kB of whatever stdout and stderr
   * are piped. A child that watches a piped stdin sees it close when this process dies, however it dies.
   */
  stdio?: 'pipe' | SpawnOptions['stdio'];
  /** Own process group: `stop()` then reaches whatever the child spawned too. */
  detached?: boolean;
  /** Resolves true once the child serves; polled until then. Without it, nothing is awaited. */
  ready?: () => Promise<boolean>;
  timeoutMs?: number;
  pollMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** Called right after the spawn, before it answers: for callers that track every child they start. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  child: ChildProcess;
  /** Resolves once the child has exited (or could not be spawned). */
  exited: Promise<ExitStatus>;
  /** Milliseconds from spawn until `ready` answered. */
  readyMs: number;
  /** What it last wrote to its piped stdout and stderr. */
  output: () => string;
  /** Ends stdin, SIGTERM, SIGKILL after the grace period; resolves once it exited. Safe to call twice. */
  stop: () => Promise<void>;
}

/** The child exited, could not be spawned, or did not answer in time (then `exit` is undefined). */
export class StartProcessError extends Error {
  override readonly name = 'StartProcessError';
  readonly exit: ExitStatus | undefined;
  readonly spawnError: NodeJS.ErrnoException | undefined;
  readonly output: string;

  constructor(
    message: string,
    details: { exit?: ExitStatus; spawnError?: NodeJS.ErrnoException; output: string },
  ) {
    super(message);
    this.exit = details.exit;
    this.spawnError = details.spawnError;
    this.output = details.output;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/** Whether a GET of `url` answers 2xx within 2 s. */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function signal(child: ChildProcess, detached: boolean, sig: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // A detached child leads its own process group; a negative pid signals the whole group.
    if (detached) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Spawns the child and resolves once `ready` answers true. If the child exits first, cannot be
 * spawned, or `timeoutMs` passes, it is stopped and a `StartProcessError` carries why.
 */
export async function startProcess(opts: StartProcessOptions): Promise<RunningProcess> {
  const detached = opts.detached ?? false;
  const graceMs = opts.graceMs ?? 3_000;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const piped = (opts.stdio ?? 'pipe') === 'pipe';
  const started = performance.now();
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached,
    stdio: piped ? ['pipe', 'pipe', 'pipe'] : opts.stdio,
  });

  opts.onSpawn?.(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEEP);
  };
  // Always drain the pipes: a child blocks once one is full (werkzeug logs every request).
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdin?.on('error', () => undefined);

  let exit: ExitStatus | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, sig) => {
      exit = { code, signal: sig };
      resolve(exit);
    });
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) {
        exit = { code: null, signal: null };
        resolve(exit);
      }
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exit) {
        child.stdin?.end();
        signal(child, detached, 'SIGTERM');
        const killTimer = setTimeout(() => signal(child, detached, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(killTimer);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdin?.destroy();
    })());

  const fail = async (why: string): Promise<never> => {
    // What happened before stop() killed it: no exit status means it timed out.
    const details = { exit, spawnError, output };
    await stop();
    throw new StartProcessError(`${opts.name} ${why}`, { ...details, output });
  };

  if (opts.ready) {
    const deadline = started + timeoutMs;
    for (;;) {
      if (spawnError) return fail(`could not start: ${spawnError.message}`);
      if (exit)
        return fail(`exited (code ${exit.code ?? '-'}, signal ${exit.signal ?? '-'}) before answering`);
      if (await opts.ready()) break;
      if (performance.now() > deadline) return fail(`did not answer within ${timeoutMs / 1000} s`);
      await sleep(opts.pollMs ?? 100);
    }
  }
  return { child, exited, readyMs: performance.now() - started, output: () => output, stop };
}
