import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

/** A running moto server (real HTTP, real AWS wire protocol) owned by the calling test file. */
export interface MotoServer {
  /** e.g. `http://127.0.0.1:41234`; pass it as the SDK's `endpoint`. */
  endpoint: string;
  /** Kills the server (and its process group) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
  /** `POST /moto-api/reset`: forgets every pool, user and client. */
  reset(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for `/moto-api/data.json` to answer. Default 20 s. */
  timeoutMs?: number;
  /** Extra environment for moto and its first-time set-up, e.g. `{ MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY: 'HASH' }`. */
  env?: NodeJS.ProcessEnv;
  /** Python interpreter to try first. Default `$MOTO_PYTHON` or `python3`. */
  python?: string;
  /**
   * The virtual environment used, and set up on first use, when that interpreter has no moto.
   * Default `.venv` in the working directory, which npm makes the package root.
   */
  venvDir?: string;
  /** Receives the one progress line of a first-time set-up. Default: stderr. */
  progress?: (line: string) => void;
}

/** No interpreter has moto's server and setting it up failed; the message says what to install. */
export class MotoUnavailableError extends Error {
  override readonly name = 'MotoUnavailableError';
}

const STDERR_KEEP = 16 * 1024;

/**
 * Runs `moto.server.main(['-H', '127.0.0.1', '-p', PORT])` (what `python3 -m moto.server` runs), plus
 * a watchdog thread that exits as soon as its stdin closes: stdin is a pipe from this process, so if
 * the test process dies in any way (even SIGKILL) moto dies with it and no orphan is left.
 */
const LAUNCHER = [
  'import os, sys, threading',
  'def _watch():',
  '    try:',
  '        while os.read(0, 65536):',
  '            pass',
  '    finally:',
  '        os._exit(0)',
  'threading.Thread(target=_watch, daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const MOTO_REQUIREMENT = 'moto[server]';
// Looks the modules up without importing them: importing moto.server alone takes ~0.7 s.
const HAS_MOTO_SERVER =
  "import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ('moto', 'flask', 'flask_cors')) else 1)";

const defaultPython = () => process.env.MOTO_PYTHON || 'python3';
const defaultVenvDir = () => resolve('.venv');
const venvPython = (venvDir: string) => join(venvDir, 'bin', 'python');
const hasMotoServer = (python: string) =>
  spawnSync(python, ['-c', HAS_MOTO_SERVER], { stdio: 'ignore' }).status === 0;

/** The first interpreter that has moto's server: `python`, else the virtual environment's. */
export function installedMotoPython(
  python = defaultPython(),
  venvDir = defaultVenvDir(),
): string | undefined {
  return [python, venvPython(venvDir)].find(hasMotoServer);
}

function lockHolderAlive(file: string): boolean {
  try {
    process.kill(Number(readFileSync(file, 'utf8')), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` holding the lock `file`; other processes (parallel test workers) wait, or take over a dead one's. */
async function withLockFile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockHolderAlive(file)) await sleep(500);
      else rmSync(file, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

const lastLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).trim().split('\n').pop() ?? '';

async function setUpVenv(
  python: string,
  venvDir: string,
  { env, progress }: Required<Pick<StartMotoOptions, 'env' | 'progress'>>,
): Promise<string> {
  const target = venvPython(venvDir);
  const shown = relative(process.cwd(), venvDir) || venvDir;
  const run = (file: string, args: string[]) =>
    promisify(execFile)(file, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  mkdirSync(venvDir, { recursive: true });
  return withLockFile(join(venvDir, '.setup.lock'), async () => {
    if (hasMotoServer(target)) return target;
    progress(
      `${python} has no moto: installing ${MOTO_REQUIREMENT} into ${shown} (first run only, about a minute)…`,
    );
    try {
      await run(python, ['-m', 'venv', venvDir]);
      await run(target, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', MOTO_REQUIREMENT]);
    } catch (error) {
      throw new MotoUnavailableError(
        `The Cognito emulator needs moto's server: ${python} has none, and installing it into ${shown} failed ` +
          `(${lastLine(error)}).\nInstall it with: pip install "${MOTO_REQUIREMENT}" (or set MOTO_PYTHON to a Python that has it).`,
      );
    }
    return target;
  });
}

/** The interpreter to run moto with; sets up the virtual environment first when none has moto. */
async function motoPython(opts: StartMotoOptions): Promise<string> {
  const python = opts.python ?? defaultPython();
  const venvDir = opts.venvDir ?? defaultVenvDir();
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  return (
    installedMotoPython(python, venvDir) ?? setUpVenv(python, venvDir, { env: opts.env ?? {}, progress })
  );
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    // detached: true made the child a process-group leader; a negative pid signals the whole group.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Ends a detached child's stdin (its watchdog's cue), sends SIGTERM to its process group, and
 * SIGKILL when it has not exited after `graceMs`. Resolves once `exited` does.
 */
export async function stopProcessGroup(
  child: ChildProcess,
  exited: Promise<unknown>,
  graceMs = 3000,
): Promise<void> {
  child.stdin?.end();
  killGroup(child, 'SIGTERM');
  const killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(killTimer);
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

async function startOnce(port: number, opts: StartMotoOptions): Promise<MotoServer> {
  const python = opts.python ?? defaultPython();
  const endpoint = `http://127.0.0.1:${port}`;
  const timeoutMs = opts.timeoutMs ?? 20_000;

  const child = spawn(python, ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', ...opts.env },
  });

  let stderr = '';
  const keep = (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  };
  // Always drain both pipes: werkzeug logs every request to stderr and would block on a full pipe.
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.stdin.on('error', () => undefined);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      if (child.pid === undefined) {
        exited = { code: null, signal: null };
        resolve();
      }
    });
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return exitPromise;
    stopped = true;
    if (!exited) await stopProcessGroup(child, exitPromise);
    child.stdout.destroy();
    child.stderr.destroy();
    child.stdin.destroy();
  };

  const diagnose = (withExit = true) => {
    if (spawnError && (spawnError as NodeJS.ErrnoException).code === 'ENOENT')
      return `${python} not found on PATH (set MOTO_PYTHON, or install Python 3 with: pip install 'moto[server]')`;
    const tail = stderr.trim() || '(no output)';
    const hint = /No module named ['"]?moto|No module named ['"]?(flask|werkzeug)/.test(stderr)
      ? `\n${python} has no moto server: pip install 'moto[server]'`
      : '';
    const status = withExit
      ? `exit code ${exited?.code ?? '-'}, signal ${exited?.signal ?? '-'}`
      : 'killed it';
    return `${status}${hint}\n--- moto output ---\n${tail}`;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited || spawnError) {
      await stop();
      const err = new Error(`moto server on port ${port} died before answering: ${diagnose()}`);
      (err as Error & { addressInUse?: boolean }).addressInUse = /address already in use/i.test(stderr);
      throw err;
    }
    if (await answers(`${endpoint}/moto-api/data.json`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto server on port ${port} did not answer ${endpoint}/moto-api/data.json within ${timeoutMs} ms, ${diagnose(false)}`,
      );
    }
    await sleep(100);
  }

  const reset = async () => {
    const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    const body = await res.text();
    if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body}`);
  };

  return { endpoint, stop, reset };
}

/**
 * Starts a private moto server on a free loopback port and resolves once it answers. Call `stop()`
 * in `afterAll`; if the test process dies without it, moto still exits (see LAUNCHER).
 */
export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const python = await motoPython(opts);
  let lastError: unknown;
  // Another process may grab the port between freePort() and moto's bind: retry on that only.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), { ...opts, python });
    } catch (err) {
      lastError = err;
      if (!(err as { addressInUse?: boolean }).addressInUse) throw err;
    }
  }
  throw lastError;
}
