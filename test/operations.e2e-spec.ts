import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { freePort } from '../tools/child-process';
import { MetricsServer } from '../src/metrics/metrics-server';
import { startRedis, type RedisServer } from './support/redis';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';

/** The value of one sample in Prometheus text: `name{...}` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('operations: metrics and readiness', () => {
  let stack: TestStack;
  let n = 0;
  const freshEmail = () => `ops${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_PORT: '0' } });
  });
  afterAll(() => stack?.close());

  const scrape = async (app: NestFastifyApplication = stack.app) => {
    const res = await fetch(`http://127.0.0.1:${app.get(MetricsServer).port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };

  /** Every counter sample of a scrape (histogram buckets and timings left out), by series. */
  const counters = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter((line) => /^(cognito_requests|mails_\w+|jobs_\w+|rate_limit\w+)_total\b/.test(line))
        .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
    );
  const moved = (before: Map<string, number>, after: Map<string, number>) =>
    [...after].filter(([series, value]) => value !== (before.get(series) ?? 0)).map(([series]) => series);

  // GET and public, with no body or parameters: no 400 or 401 case applies to /metrics or /health/ready.
  describe('GET /metrics', () => {
    it('is never served on the API port: 404 like an unknown route, metrics on or off', async () => {
      const { app: off } = await stack.bootApp({ env: { METRICS_ENABLED: 'false', METRICS_PORT: '' } });
      for (const app of [stack.app, off]) {
        const res = await app.inject({ method: 'GET', url: '/metrics' });
        expect(res.statusCode).toBe(404);
        const unknown = await app.inject({ method: 'GET', url: '/no-such-route' });
        expect(res.json()).toEqual({ ...unknown.json<object>(), message: 'Cannot GET /metrics' });
      }
      expect(off.get(MetricsServer).port).toBeUndefined();
    });

    it('counts requests by route pattern and status, Cognito calls by outcome, and mails sent', async () => {
      const email = freshEmail();
      const signup = await stack.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
      expect(signup.statusCode).toBe(202);
      await stack.smtp.waitForMail(email);
      await jobsDone(stack.app);
      expect((await stack.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await stack.app.inject({ method: 'GET', url: `/no-such-route/${email}` });

      const text = await scrape();
      const route = (method: string, path: string, status: string) =>
        sample(text, 'http_request_duration_seconds_count', { method, route: path, status });
      expect(route('POST', '/accounts/signup', '202')).toBe(1);
      expect(route('GET', '/health', '200')).toBeGreaterThanOrEqual(1);
      // Unmatched requests share one label: a scanner cannot grow the series.
      expect(route('GET', 'unmatched', '404')).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain(email);
      expect(sample(text, 'cognito_requests_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(2);
      expect(sample(text, 'cognito_request_duration_seconds_count')).toBeGreaterThanOrEqual(2);
      expect(sample(text, 'mails_sent_total')).toBeGreaterThanOrEqual(1);
      // Process metrics come along, and the queue's gauges (the signup's job is done by now).
      expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(sample(text, 'jobs_queue_depth')).toBe(0);
    });

    it('moves the same series for a signup of a known address as of an unknown one', async () => {
      const signup = async (email: string) => {
        const before = counters(await scrape());
        const res = await stack.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
        expect(res.statusCode).toBe(202);
        await stack.smtp.waitForMail(email);
        await jobsDone(stack.app);
        return moved(before, counters(await scrape()));
      };
      const email = freshEmail();
      const unknown = await signup(email);
      stack.smtp.clear();
      const known = await signup(email);
      expect(known).toEqual(unknown);
      expect(unknown).toEqual(['cognito_requests_total{outcome="ok"}', 'mails_sent_total']);
    });

    it('counts a mail the server refused, and the job retry that delivered it', async () => {
      const { app } = await stack.bootApp({ env: { METRICS_PORT: '0' } });
      stack.smtp.rejectNext(1, 451);
      const email = freshEmail();
      const res = await app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
      expect(res.statusCode).toBe(202);
      await stack.smtp.waitForMail(email);
      await jobsDone(app);
      const text = await scrape(app);
      expect(sample(text, 'mails_failed_total')).toBe(1);
      expect(sample(text, 'jobs_retried_total', { job: 'signup', reason: 'MAIL_UNAVAILABLE' })).toBe(1);
    });

    it('counts rate-limit refusals by limit', async () => {
      const { app } = await stack.bootApp({
        env: { METRICS_PORT: '0', RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_IP_PER_MINUTE: '1' },
      });
      const signup = () =>
        app.inject({ method: 'POST', url: '/accounts/signup', payload: { email: freshEmail() } });
      expect((await signup()).statusCode).toBe(202);
      expect((await signup()).statusCode).toBe(429);
      const text = await scrape(app);
      expect(sample(text, 'rate_limit_refusals_total', { limit: 'ip' })).toBe(1);
      expect(
        sample(text, 'http_request_duration_seconds_count', { route: '/accounts/signup', status: '429' }),
      ).toBe(1);
    });

    it('with METRICS_PORT, serves them on that port only', async () => {
      const port = await freePort();
      const { app } = await stack.bootApp({ env: { METRICS_PORT: String(port) } });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      await app.inject({ method: 'GET', url: '/health' });
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(sample(text, 'http_request_duration_seconds_count', { route: '/health', status: '200' })).toBe(
        1,
      );
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    });
  });

  describe('GET /health/ready', () => {
    it('is ready with Cognito up, and reuses its answer for a few seconds', async () => {
      const { app } = await stack.bootApp({ env: { METRICS_PORT: '0' } });
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({ method: 'GET', url: '/health/ready' });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({
          status: 'ready',
          checks: { cognito: 'ok', queue: 'ok' },
          backlog: { waiting: 0, oldestAgeMs: 0, admitting: true },
        });
      }
      // One probe for the three answers: AdminGetUser of a user that cannot exist.
      const text = await scrape(app);
      expect(sample(text, 'cognito_requests_total', { outcome: 'USER_NOT_FOUND' })).toBe(1);
    });

    it('is not ready while Cognito is out of reach; liveness stays 200', async () => {
      const closed = await freePort();
      const { app } = await stack.bootApp({
        env: { COGNITO_ENDPOINT: `http://127.0.0.1:${closed}`, COGNITO_MAX_ATTEMPTS: '1' },
      });
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        status: 'not ready',
        checks: { cognito: 'fail', queue: 'ok' },
        backlog: { waiting: 0, oldestAgeMs: 0, admitting: true },
      });
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    });

    describe('with REDIS_URL', () => {
      let redis: RedisServer;
      beforeAll(async () => {
        redis = await startRedis();
      });
      afterAll(() => redis?.stop());

      it('checks that Redis answers', async () => {
        const { app } = await stack.bootApp({ env: { REDIS_URL: redis.url } });
        const res = await app.inject({ method: 'GET', url: '/health/ready' });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({
          status: 'ready',
          checks: { cognito: 'ok', redis: 'ok', queue: 'ok' },
          backlog: { waiting: 0, oldestAgeMs: 0, admitting: true },
        });
        // Closed while Redis is still there, so nothing keeps reconnecting after the test.
        await app.close();
      });

      it('is not ready while Redis is down', async () => {
        const { app } = await stack.bootApp({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
        const res = await app.inject({ method: 'GET', url: '/health/ready' });
        expect(res.statusCode).toBe(503);
        // Cognito fails too, and rightly: its calls go through the quota counters kept in Redis.
        expect(res.json()).toMatchObject({ status: 'not ready', checks: { redis: 'fail' } });
        await app.close();
      }, 20_000);
    });
  });
});
