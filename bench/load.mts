import autocannon from 'autocannon';
import type { ServerProcess } from './servers.mts';

/** Bounded load: this many connections, one request in flight on each. */
export const CONNECTIONS = 10;

/** One kind of request, sent over and over to one server. */
export interface Scenario {
  id: string;
  label: string;
  server: ServerProcess;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Every response must have this status; anything else fails the bench. */
  status: number;
  /**
   * A new access token for every request: the round sends exactly as many requests as this
   * returns tokens, minted before the round starts so signing is not measured.
   */
  freshTokens?: () => string[];
}

/** What one round of one scenario measured. */
export interface Round {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** The server's CPU time (user + system) per request. */
  cpuMicrosPerRequest: number;
  /** Calls to the (fake) Cognito per request, all operations and the JWKS together. */
  cognitoCallsPerRequest: number;
}

export interface RoundOptions {
  seconds: number;
  /** A fixed number of requests instead of `seconds` (ignored for fresh-token scenarios). */
  requests?: number;
  /** Calls the fake Cognito has answered so far, all operations together. */
  cognitoCalls: () => number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

interface RequestPlan {
  requests: autocannon.Request[];
  /** Set for fresh tokens: exactly one request per token. */
  amount?: number;
  /** How many tokens were used more than once (must stay 0). */
  reusedTokens: () => number;
}

/** The request list for autocannon: one fixed request, or one that takes the next fresh token. */
function planRequests(scenario: Scenario): RequestPlan {
  const fixed: autocannon.Request = {
    method: scenario.method,
    path: scenario.path,
    headers: { 'content-type': 'application/json', ...scenario.headers },
    body: scenario.body,
  };
  if (!scenario.freshTokens) return { requests: [fixed], reusedTokens: () => 0 };
  const tokens = scenario.freshTokens();
  let next = 0;
  const setupRequest = (request: autocannon.Request): autocannon.Request => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
  });
  return {
    requests: [{ ...fixed, setupRequest }],
    amount: tokens.length,
    reusedTokens: () => Math.max(0, next - tokens.length),
  };
}

interface Fired {
  result: autocannon.Result;
  /** From the call to the last response: autocannon's own duration is rounded to its sampling tick. */
  elapsedMs: number;
}

function fire(options: autocannon.Options, onLatency: (ms: number) => void): Promise<Fired> {
  const started = performance.now();
  let lastResponse = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) =>
      error
        ? reject(new Error('autocannon failed', { cause: error }))
        : resolve({ result, elapsedMs: lastResponse - started }),
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      lastResponse = performance.now();
      onLatency(responseTimeMs);
    });
  });
}

function assertAllAnswered(scenario: Scenario, result: autocannon.Result): void {
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => `${code}×${s.count}`);
  const expected = result.statusCodeStats?.[`${scenario.status}`]?.count ?? 0;
  if (result.errors > 0 || result.timeouts > 0 || expected !== result.requests.total) {
    throw new Error(
      `${scenario.label}: expected only ${scenario.status}, got ${statuses.join(', ') || 'nothing'} ` +
        `(${result.errors} errors, ${result.timeouts} timeouts); server output:\n${scenario.server.output()}`,
    );
  }
}

/**
 * One round of load on loopback: CONNECTIONS connections for `seconds` (or one request per fresh
 * token). Latencies are kept with sub-millisecond precision (autocannon's own histogram has 1 ms).
 */
export async function runRound(scenario: Scenario, options: RoundOptions): Promise<Round> {
  const { requests, amount, reusedTokens } = planRequests(scenario);
  const latencies: number[] = [];
  const cognitoBefore = options.cognitoCalls();
  const cpuBefore = scenario.server.cpuMicros();
  const { result, elapsedMs } = await fire(
    {
      url: scenario.server.url,
      connections: CONNECTIONS,
      pipelining: 1,
      // Autocannon checks for the end of a round at every sampling tick: a tenth of a second.
      sampleInt: 100,
      duration: options.seconds,
      amount: amount ?? options.requests,
      requests,
    },
    (ms) => latencies.push(ms),
  );
  const cpuMicros = scenario.server.cpuMicros() - cpuBefore;
  assertAllAnswered(scenario, result);
  if (reusedTokens() > 0)
    throw new Error(`${scenario.label}: ${reusedTokens()} "fresh" tokens were sent twice`);
  const sorted = Float64Array.from(latencies).sort();
  const count = result.requests.total;
  return {
    requests: count,
    rps: count / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuMicrosPerRequest: cpuMicros / count,
    cognitoCallsPerRequest: (options.cognitoCalls() - cognitoBefore) / count,
  };
}
