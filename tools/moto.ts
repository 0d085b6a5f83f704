import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { answers, freePort, startProcess, StartProcessError, type RunningProcess } from './child-process.ts';

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

async function startOnce(port: number, opts: StartMotoOptions): Promise<MotoServer> {
  const python = opts.python ?? defaultPython();
  const endpoint = `http://127.0.0.1:${port}`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let moto: RunningProcess;
  try {
    moto = await startProcess({
      name: `moto server on port ${port}`,
      command: python,
      args: ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)],
      // stdin stays a pipe from this process: the launcher's watchdog exits when it closes.
      stdio: 'pipe',
      detached: true,
      env: { ...process.env, PYTHONUNBUFFERED: '1', ...opts.env },
      ready: () => answers(`${endpoint}/moto-api/data.json`),
      timeoutMs,
      pollMs: 100,
    });
  } catch (error) {
    if (!(error instanceof StartProcessError)) throw error;
    throw motoStartError(error, { python, port, endpoint, timeoutMs });
  }

  const reset = async () => {
    const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    const body = await res.text();
    if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body}`);
  };

  return { endpoint, stop: moto.stop, reset };
}

/** Why moto did not start, with its output and what to install; `addressInUse` marks a lost port race. */
function motoStartError(
  error: StartProcessError,
  {
    python,
    port,
    endpoint,
    timeoutMs,
  }: { python: string; port: number; endpoint: string; timeoutMs: number },
): Error {
  const stderr = error.output;
  if (error.spawnError?.code === 'ENOENT') {
    return new Error(
      `moto server on port ${port} died before answering: ${python} not found on PATH (set MOTO_PYTHON, or install Python 3 with: pip install 'moto[server]')`,
    );
  }
  const tail = stderr.trim() || '(no output)';
  const hint = /No module named ['"]?moto|No module named ['"]?(flask|werkzeug)/.test(stderr)
    ? `\n${python} has no moto server: pip install 'moto[server]'`
    : '';
  const timedOut = !error.exit && !error.spawnError;
  const status = timedOut
    ? 'killed it'
    : `exit code ${error.exit?.code ?? '-'}, signal ${error.exit?.signal ?? '-'}`;
  const diagnosis = `${status}${hint}\n--- moto output ---\n${tail}`;
  const err = timedOut
    ? new Error(
        `moto server on port ${port} did not answer ${endpoint}/moto-api/data.json within ${timeoutMs} ms, ${diagnosis}`,
      )
    : new Error(`moto server on port ${port} died before answering: ${diagnosis}`);
  (err as Error & { addressInUse?: boolean }).addressInUse = /address already in use/i.test(stderr);
  return err;
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
