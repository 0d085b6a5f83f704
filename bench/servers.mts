import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { freePort, startProcess } from '../tools/child-process.ts';

/** A server under test in a process of its own, so its CPU time and memory are its own. */
export interface ServerProcess {
  name: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 on `/health` (set by `startServer`). */
  readyMs: number;
  /** User + system CPU time of the whole process (every thread) so far, in µs. */
  cpuMicros(): number;
  /** Resident set size now, in bytes. */
  rssBytes(): number;
  /** The last few kB it wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** How to run one kind of server: a script run by this Node, and its environment on a given port. */
export interface ServerSpec {
  name: string;
  script: string;
  /** Node flags before the script (e.g. `--cpu-prof` for bench/profile.mts). */
  nodeArgs?: string[];
  env(port: number): Record<string, string>;
  /** Run before every start (e.g. to put files back as they were). */
  prepare?(): void;
}

const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const POLL_MS = 5;
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

const live = new Set<ChildProcess>();

/** Kills every server still running: for exits the bench did not plan (errors, signals). */
export function killAllServers(): void {
  for (const child of live) child.kill('SIGKILL');
}

function cpuMicrosOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm) ": the first is field 3 (state); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_S;
}

function rssBytesOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** The status of a GET, or 0 when nothing answers (yet). */
function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    request.once('error', () => resolve(0)).once('timeout', () => request.destroy());
  });
}

/** Spawns the server and resolves once `/health` answers 200, polling every 5 ms. */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  spec.prepare?.();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess({
    name: spec.name,
    command: process.execPath,
    args: [...(spec.nodeArgs ?? []), spec.script],
    env: spec.env(port),
    stdio: ['ignore', 'pipe', 'pipe'],
    ready: async () => (await statusOf(`${url}/health`)) === 200,
    timeoutMs: READY_TIMEOUT_MS,
    pollMs: POLL_MS,
    graceMs: STOP_GRACE_MS,
    onSpawn: (child) => {
      live.add(child);
      child.once('exit', () => live.delete(child));
    },
  }).catch((error: unknown) => {
    const { message, output } = error as { message: string; output?: string };
    throw new Error(`${message}; its output:\n${output || '(none)'}`);
  });
  const pid = server.child.pid ?? 0;

  return {
    name: spec.name,
    url,
    pid,
    readyMs: server.readyMs,
    cpuMicros: () => cpuMicrosOf(pid),
    rssBytes: () => rssBytesOf(pid),
    output: server.output,
    stop: server.stop,
  };
}

/**
 * Runs a bench script's `main`: every server it started is killed when the script exits, however it
 * exits (an error, Ctrl-C, a signal), and a failure sets the exit code.
 */
export function runBench(main: () => Promise<void>): void {
  process.once('exit', killAllServers);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllServers();
      process.exit(130);
    });
  }
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
