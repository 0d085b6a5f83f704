import {
  startFaultProxy,
  startSilentServer,
  type FaultProxy,
  type FaultRule,
  type SilentServer,
} from './support/fault-proxy';
import { faultFlows, type FaultWorld } from './support/fault-flows';
import {
  COGNITO_MAX_ATTEMPTS,
  COGNITO_TIMEOUT_MS,
  errorShape,
  expectedFaulted,
  failedStep,
  failsFirst,
  inJob,
  patience,
  rowsOf,
  SMTP_TIMEOUT_MS,
  type Answer,
  type App,
  type Row,
} from './support/fault-table';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';
import { until } from './support/until';

describe('faults between the service and Cognito or the mail server leave every flow recoverable', () => {
  let stack: TestStack;
  let proxy: FaultProxy;
  let silent: SilentServer;
  /** An instance whose mail server accepts the connection and never greets. */
  let hangingMailApp: App;
  const world = { answers: [] as Answer[] } as FaultWorld;
  const { flows, jobMail } = faultFlows(world);
  const ROWS = rowsOf(flows);

  beforeAll(async () => {
    stack = await startStack({
      endpointFor: async (motoEndpoint) => {
        proxy = await startFaultProxy(motoEndpoint);
        return proxy.url;
      },
      env: {
        COGNITO_TIMEOUT_MS: String(COGNITO_TIMEOUT_MS),
        COGNITO_MAX_ATTEMPTS: String(COGNITO_MAX_ATTEMPTS),
        SMTP_TIMEOUT_MS: String(SMTP_TIMEOUT_MS),
      },
    });
    world.stack = stack;
    silent = await startSilentServer();
    ({ app: hangingMailApp } = await stack.bootApp({ env: { SMTP_URL: `smtp://127.0.0.1:${silent.port}` } }));
  });
  afterEach(() => silent?.forwardTo(undefined));
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await silent?.close();
  });

  /** Puts the row's fault in place; the returned function removes it (and lets held requests land). */
  const injectFault = (row: Row): { rule?: FaultRule; remove(): Promise<void> } => {
    if (row.target === 'mail') {
      if (row.fault === 'timeout')
        return { remove: () => Promise.resolve(silent.forwardTo(stack.smtp.port)) };
      stack.smtp.setRejecting(true);
      return { remove: () => Promise.resolve(stack.smtp.setRejecting(false)) };
    }
    const { step, fault, persistent } = row;
    const rule = proxy.inject(
      step.operation,
      fault,
      persistent ? { from: step.occurrence } : { only: step.occurrence },
    );
    return {
      rule,
      remove: async () => {
        // A held request reaches Cognito late; the user's retry (or the job's next run) comes after
        // it: until the held ones have landed, new ones fail fast instead of overtaking them.
        proxy.clear();
        proxy.inject(step.operation, { kind: 'error5xx' });
        await proxy.settled();
        proxy.clear();
      },
    };
  };

  /** The app the row's action is sent to: a mail timeout needs the instance whose server hangs. */
  const appFor = (row: Row, app: App) =>
    row.target === 'mail' && row.fault === 'timeout' ? hangingMailApp : app;

  it('the table has a step for every Cognito call each flow makes', async () => {
    for (const flow of flows) {
      const attempt = await flow.prepare();
      proxy.clear();
      await attempt.run(stack.app);
      await jobsDone(stack.app);
      expect({ flow: flow.name, calls: [...proxy.seen] }).toEqual({ flow: flow.name, calls: flow.calls });
    }
  });

  it.each(ROWS)(
    '$name',
    async (row) => {
      // The fault hits a fresh instance, whose SDK retry quota and adaptive limiter start from scratch.
      const { app: fresh } = await stack.bootApp();
      const app = appFor(row, fresh);
      const attempt = await row.flow.prepare();
      const mailsBefore = attempt.mailTo ? stack.smtp.mailsTo(attempt.mailTo).length : 0;
      const refusedBefore = stack.smtp.refused.length;
      const connectionsBefore = silent.connections;
      const failed = failedStep(row);
      const fault = injectFault(row);
      const started = Date.now();
      let answer: Answer;
      try {
        answer = await attempt.run(app);
      } catch (error) {
        await fault.remove();
        throw error;
      }
      const ms = Date.now() - started;

      if (inJob(row) && failed !== undefined) {
        // Queued: answered at once whatever the job meets; the job fails, waits, and tries again.
        expect(answer.statusCode).toBe(row.flow.status);
        if (row.target === 'cognito') {
          await until(
            `the job met ${row.step.operation}'s fault`,
            () => (fault.rule?.faulted ?? 0) >= COGNITO_MAX_ATTEMPTS,
          );
        } else if (row.fault === 'refuse') {
          await until('the mail was refused', () => stack.smtp.refused.length > refusedBefore);
        } else {
          await until('the mail server was reached', () => silent.connections > connectionsBefore);
          await new Promise((resolve) => setTimeout(resolve, SMTP_TIMEOUT_MS + 200));
        }
        expect(stack.smtp.mailsTo(attempt.mailTo ?? '')).toHaveLength(mailsBefore);
        await attempt.afterFailure?.();
        await fault.remove();
        await jobMail(attempt.mailTo ?? '', mailsBefore);
        await jobsDone(app);
        silent.forwardTo(undefined);
        return attempt.verify(answer, {});
      }

      // A queued flow's job runs after the answer: the fault stays until it has done its work.
      if (!failsFirst(row) && inJob(row) && attempt.mailTo) await jobMail(attempt.mailTo, mailsBefore);
      await fault.remove();
      if (!failsFirst(row)) {
        expect({ status: answer.statusCode, faulted: fault.rule?.faulted ?? null }).toEqual({
          status: row.flow.status,
          faulted: expectedFaulted(row),
        });
        if (attempt.mailTo) await jobMail(attempt.mailTo, mailsBefore);
        await jobsDone(app);
        return attempt.verify(answer, { failed });
      }
      expect({ ...errorShape(answer), faulted: fault.rule?.faulted ?? null }).toEqual({
        status: 503,
        code: row.target === 'cognito' ? 'IDENTITY_PROVIDER_UNAVAILABLE' : 'MAIL_UNAVAILABLE',
        retryAfterSeconds: true,
        faulted: expectedFaulted(row),
      });
      expect(ms).toBeLessThan(patience(row));
      await attempt.afterFailure?.();

      // The retry may reach any instance; this one stays paced by its SDK for a while after throttling.
      const retried = await attempt.run(stack.app);
      const late =
        row.target === 'cognito' && row.fault.kind === 'slow' && row.flow.spentByLateWrite !== undefined;
      expect({ status: retried.statusCode, code: errorShape(retried).code }).toEqual(
        late
          ? { status: 400, code: row.flow.spentByLateWrite }
          : { status: row.flow.status, code: undefined },
      );
      if (attempt.mailTo) await jobMail(attempt.mailTo, mailsBefore);
      await jobsDone(stack.app);
      await attempt.verify(retried, { late });
      // A job waiting out a throttled SDK can take longer than the default test timeout.
    },
    60_000,
  );

  it('never answered 500, and every 503 says which upstream failed and when to retry', () => {
    expect(world.answers.length).toBeGreaterThan(ROWS.length);
    for (const answer of world.answers.filter((a) => a.statusCode >= 500)) {
      const shape = errorShape(answer);
      expect(shape).toMatchObject({ status: 503, retryAfterSeconds: true });
      expect(['IDENTITY_PROVIDER_UNAVAILABLE', 'MAIL_UNAVAILABLE']).toContain(shape.code);
    }
  });
});
