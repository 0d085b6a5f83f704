import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The OpenAPI document against the service: every status an e2e test sees a route give must be one
 * the document lists for that route (checked when each stack closes), and every status the document
 * lists must be seen by some e2e test (checked once the whole e2e project ran, by
 * openapi-statuses.reporter.mts). Plain `node` loads this file too (the reporter): erasable types only.
 */

/** Where, under the repository's root, the runs keep what they saw (git-ignored). */
export const OBSERVATIONS_DIR = join('test', 'artifacts', 'openapi-statuses');

/**
 * The run's own folder under OBSERVATIONS_DIR, set by the reporter before the test processes start
 * (they inherit it): two runs at once keep apart.
 */
export const RUN_DIR_VARIABLE = 'OPENAPI_STATUSES_RUN_DIR';

/**
 * Statuses the document rightly lists that no e2e test can make the service give, and why. Keep it
 * short: a status that a test can reach belongs in a test, not here.
 */
export const UNREACHABLE_IN_TESTS: Record<string, string> = {
  'POST /accounts/signup/complete 409':
    'EMAIL_TAKEN only when an email change to the address is confirmed while its invitation is being activated: attacks-squatting.e2e-spec.ts races the two, and either may lose',
};

/** The parts of an OpenAPI document read here. */
export interface OpenApiPaths {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** `POST /accounts/me/email` → the statuses the document lists for it. */
export type Documented = Map<string, Set<number>>;

/** "METHOD /path/{param} STATUS" lines, the form both checks report and the allow-list uses. */
export type Observed = Set<string>;

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

export function documentedStatuses(document: OpenApiPaths): Documented {
  const documented: Documented = new Map();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!HTTP_METHODS.has(method)) continue;
      const statuses = Object.keys(operation.responses ?? {}).map(Number);
      documented.set(`${method.toUpperCase()} ${path}`, new Set(statuses));
    }
  }
  return documented;
}

/** Fastify's route pattern (`/admin/users/:username`) as the document writes it. */
export function openApiPath(fastifyRoute: string): string {
  return fastifyRoute.replace(/:(\w+)/g, '{$1}');
}

/**
 * Routes the document does not describe on purpose: the demo pages and their config, Swagger UI and
 * its JSON, the root redirect and the favicon. A request no route matched (a 404) has no route at
 * all and is not recorded. Any other route missing from the document is reported.
 */
const OUTSIDE_API = /^\/(docs|docs-json|demo|favicon\.ico)?(\/|$)/;

/**
 * What one response says about the document: nothing (outside the API, a CORS preflight, or a HEAD
 * that Fastify answers from the GET route), else its "METHOD /path STATUS" line.
 */
export function observation(
  method: string,
  fastifyRoute: string | undefined,
  status: number,
): string | undefined {
  if (fastifyRoute === undefined || method === 'OPTIONS' || method === 'HEAD') return undefined;
  if (OUTSIDE_API.test(fastifyRoute)) return undefined;
  return `${method} ${openApiPath(fastifyRoute)} ${status}`;
}

/** Direction 1: what was seen that the document does not list, with the route itself if it is missing. */
export function undocumented(observed: Iterable<string>, documented: Documented): string[] {
  const problems: string[] = [];
  for (const line of observed) {
    const [method, path, status] = line.split(' ');
    const statuses = documented.get(`${method} ${path}`);
    if (!statuses) problems.push(`${line} (the document has no ${method} ${path})`);
    else if (!statuses.has(Number(status))) problems.push(line);
  }
  return problems.sort();
}

/** Direction 2: what the document lists that no test saw, less the allow-list. */
export function neverObserved(observed: Observed, documented: Documented): string[] {
  const problems: string[] = [];
  for (const [route, statuses] of documented) {
    for (const status of statuses) {
      const line = `${route} ${status}`;
      if (!observed.has(line) && !(line in UNREACHABLE_IN_TESTS)) problems.push(line);
    }
  }
  return problems.sort();
}

/**
 * Adds this process's "METHOD /path STATUS" lines to the run's (one file per process: no
 * interleaved writes). Nothing is kept for a run without the reporter.
 */
export function saveObservations(observed: Iterable<string>): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  const lines = [...observed];
  if (!dir || lines.length === 0) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.txt`), `${lines.join('\n')}\n`);
}

/** Every line the run's processes saved. */
export function readObservations(dir: string): Set<string> {
  const files = existsSync(dir) ? readdirSync(dir) : [];
  return new Set(files.flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean)));
}
