import type * as PromClient from 'prom-client';
import { DomainError } from '../common/errors';

/** What the queue gauges read at scrape time (JobQueue.depth() fits). */
export type QueueDepthSource = () => Promise<{ waiting: number; oldestAgeMs: number }>;

/** A call's outcome as a label: `ok`, or the domain error's code (a small, fixed set). */
export const outcomeOf = (error?: unknown): string =>
  error === undefined ? 'ok' : error instanceof DomainError ? error.code : 'UNEXPECTED';

/** The SDK's command name without its suffix: `AdminGetUserCommand` → `AdminGetUser`. */
export const operationOf = (commandName: string | undefined): string =>
  (commandName ?? 'Unknown').replace(/Command$/, '');

/**
 * prom-client is loaded by the first `new Metrics()`, not at import: this file is imported everywhere
 * for the `Metrics` token, and with METRICS_ENABLED=false (the default) the process never needs the
 * library (about 40 ms of cold start and 20 MiB of RSS when loaded).
 */
let prom: typeof PromClient;
// A plain require, so that esbuild still bundles it (as a module initialized on first use).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadPromClient = () => (prom ??= require('prom-client') as typeof PromClient);

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every instrument of the service, in a registry of its own (not prom-client's global one, so
 * several apps in one process do not clash). Labels stay low-cardinality: route patterns, error
 * codes, job names; never a URL, an address or a username. Nothing is counted by mail template or
 * Cognito operation: a signup or reset for a known address sends another mail and makes other calls
 * than one for an unknown address, and such counters would tell the two apart.
 */
export class Metrics {
  readonly registry = new (loadPromClient().Registry)();

  readonly httpRequestDuration = new prom.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, and how long they took (its _count counts them)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly cognitoRequests = new prom.Counter({
    name: 'cognito_requests_total',
    help: 'Cognito API calls by outcome (ok or the domain error code), retries included',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly cognitoRequestDuration = new prom.Histogram({
    name: 'cognito_request_duration_seconds',
    help: 'Cognito API calls: time from the call to its answer, quota waits and retries included',
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly mailsSent = new prom.Counter({
    name: 'mails_sent_total',
    help: 'Mails the SMTP server accepted',
    registers: [this.registry],
  });

  readonly mailsFailed = new prom.Counter({
    name: 'mails_failed_total',
    help: 'Mails the SMTP server refused or could not take (each attempt counts)',
    registers: [this.registry],
  });

  readonly jobsRetried = new prom.Counter({
    name: 'jobs_retried_total',
    help: 'Job runs that failed on an outage and will run again, by job and reason (MAIL_UNAVAILABLE: a mail retried)',
    labelNames: ['job', 'reason'] as const,
    registers: [this.registry],
  });

  readonly jobsDeadLettered = new prom.Counter({
    name: 'jobs_dead_lettered_total',
    help: 'Jobs that gave up and went to the dead-letter list, by job',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });

  readonly rateLimitRefusals = new prom.Counter({
    name: 'rate_limit_refusals_total',
    help: 'Requests held back by a limit: ip and user (answered 429), address (answered as usual, no mail sent)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  private queueObserved = false;

  constructor() {
    prom.collectDefaultMetrics({ register: this.registry });
  }

  /** Reports the queue's depth and oldest job's age, read at scrape time; absent until called. */
  observeQueue(depthOf: QueueDepthSource): void {
    if (this.queueObserved) return;
    this.queueObserved = true;
    const depth: PromClient.Gauge = new prom.Gauge({
      name: 'jobs_queue_depth',
      help: 'Jobs waiting to run, due now or later (retries included)',
      registers: [this.registry],
      collect: async (): Promise<void> => depth.set((await depthOf()).waiting),
    });
    const oldestAge: PromClient.Gauge = new prom.Gauge({
      name: 'jobs_queue_oldest_age_seconds',
      help: 'How long the oldest waiting job has waited; 0 when none waits',
      registers: [this.registry],
      collect: async (): Promise<void> => oldestAge.set((await depthOf()).oldestAgeMs / 1000),
    });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
