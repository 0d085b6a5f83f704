import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  documentedStatuses,
  neverObserved,
  OBSERVATIONS_DIR,
  readObservations,
  RUN_DIR_VARIABLE,
  type OpenApiPaths,
} from './openapi-statuses.ts';

interface RunResults {
  numFailedTestSuites: number;
  testResults: { testFilePath: string }[];
}

const E2E_SPEC = /\.e2e-spec\.ts$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A Jest reporter: once the whole e2e project ran and passed, fails the run for each status
 * openapi.json lists that no e2e test saw its route give (UNREACHABLE_IN_TESTS aside). A run of some
 * files only, or with a name filter, checks nothing here: each stack's own check still runs.
 */
export default class OpenApiStatusesReporter {
  private readonly root: string;
  private readonly nameFilter: boolean;
  private readonly dir: string;
  private error?: Error;

  constructor(globalConfig: { rootDir: string; testNamePattern?: string }) {
    this.root = globalConfig.rootDir;
    this.nameFilter = Boolean(globalConfig.testNamePattern);
    // Set before Jest starts its test processes, which inherit it.
    this.dir = join(this.root, OBSERVATIONS_DIR, `run-${process.pid}`);
    process.env[RUN_DIR_VARIABLE] = this.dir;
  }

  /** Drops what earlier runs saw (a run still going, in another terminal, keeps its own). */
  onRunStart(): void {
    const parent = join(this.root, OBSERVATIONS_DIR);
    for (const entry of existsSync(parent) ? readdirSync(parent) : []) {
      const pid = Number(/^run-(\d+)$/.exec(entry)?.[1]);
      if (!pid || !isRunning(pid)) rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }

  onRunComplete(_contexts: unknown, results: RunResults): void {
    const observed = readObservations(this.dir);
    const ran = new Set(results.testResults.map((result) => relative(this.root, result.testFilePath)));
    const specs = readdirSync(join(this.root, 'test'), { recursive: true, encoding: 'utf8' })
      .map((file) => join('test', file))
      .filter((file) => E2E_SPEC.test(file));
    if (this.nameFilter || results.numFailedTestSuites > 0 || specs.some((spec) => !ran.has(spec))) return;
    const document = JSON.parse(readFileSync(join(this.root, 'openapi.json'), 'utf8')) as OpenApiPaths;
    const documented = documentedStatuses(document);
    const missing = neverObserved(observed, documented);
    if (missing.length === 0) {
      const count = [...documented.values()].reduce((sum, statuses) => sum + statuses.size, 0);
      console.log(
        `openapi.json: each of its ${count} documented statuses was seen in this run, or is explained.`,
      );
      return;
    }
    this.error = new Error(
      `openapi.json lists statuses no e2e test saw (test them, drop them from the route, or explain them in UNREACHABLE_IN_TESTS):\n  ${missing.join('\n  ')}`,
    );
    console.error(this.error.message);
  }

  getLastError(): Error | undefined {
    return this.error;
  }
}
