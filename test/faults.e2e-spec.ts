import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { VERIFICATION_ATTRIBUTE } from '../src/cognito/attributes';
import { getUserAttributes, listUsersByEmail, signInFrontend } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX, CONFIRMATION_LINK_PREFIX } from './support/env';
import {
  startFaultProxy,
  startSilentServer,
  type CognitoOperation,
  type Fault,
  type FaultProxy,
  type FaultRule,
  type SilentServer,
} from './support/fault-proxy';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';

const COGNITO_TIMEOUT_MS = 300;
const COGNITO_MAX_ATTEMPTS = 2;
const SMTP_TIMEOUT_MS = 500;
/**
 * After a throttling answer the SDK backs off up to 1 s, and its adaptive limiter then paces a quiet
 * client at 0.5 calls/s: the retry waits up to 2 s more for a send token.
 */
const THROTTLING_DELAY_MS = 3_000;

type App = NestFastifyApplication;
type Answer = Awaited<ReturnType<App['inject']>>;
type Link = ReturnType<typeof linkParams>;
type User = Awaited<ReturnType<typeof activatedUser>>;

/** A step of a flow: one of its Cognito calls, or its mail. */
type StepKind = CognitoOperation | 'mail';

/** A user action on an account prepared for it, and what must hold once it has succeeded. */
interface Attempt {
  run(app: App): Promise<Answer>;
  /**
   * `failed`: the step that kept failing although the action succeeded (a best-effort one).
   * `late`: the write reached Cognito only after the service had answered 503, so the user's retry
   * found the link already spent; the outcome must hold all the same.
   */
  verify(answer: Answer, context: { failed?: StepKind; late?: boolean }): Promise<void>;
  /** What must already hold after a failed try, before the user retries. */
  afterFailure?(): Promise<void>;
  /** Queued flows: the address the job mails once it has done its work. */
  mailTo?: string;
}

interface Flow {
  name: string;
  /** Every Cognito call the flow makes when nothing fails, in order (checked below). */
  calls: CognitoOperation[];
  /**
   * Queued flows: the request answers at once and a job does the rest; the calls from this index on
   * (and the mail) are the job's. A fault there cannot change the answer: the job retries, and its
   * mail arrives once the fault is gone.
   */
  jobFrom?: number;
  /** The write whose answer matters most: where throttling and a slow link are tried. */
  write: CognitoOperation;
  sendsMail?: boolean;
  /** Steps whose failure the flow rides out, answering success all the same. */
  /** Steps whose failure the flow absorbs, by name (`mail`, an operation, or `Operation #n`). */
  bestEffort?: string[];
  /**
   * The error a retry gets when a slow write was applied after the service gave up on it: the
   * write spends the link, and a spent link answers like any unusable one (by design: a reused
   * link must not be told apart from a wrong one).
   */
  spentByLateWrite?: string;
  status: number;
  prepare(): Promise<Attempt>;
}

interface Step {
  /** Where in the flow's calls. */
  index: number;
  operation: CognitoOperation;
  /** Which of the flow's calls to this operation, from 1. */
  occurrence: number;
}

type Row = { name: string; flow: Flow } & (
  | { target: 'cognito'; step: Step; fault: Fault; persistent: boolean }
  | { target: 'mail'; fault: 'refuse' | 'timeout' }
);

const stepsOf = (flow: Flow): Step[] =>
  flow.calls.map((operation, i) => ({
    index: i,
    operation,
    occurrence: flow.calls.slice(0, i).filter((call) => call === operation).length + 1,
  }));

const stepName = ({ operation, occurrence }: Step, flow: Flow) =>
  flow.calls.filter((call) => call === operation).length > 1 ? `${operation} #${occurrence}` : operation;

describe('faults between the service and Cognito or the mail server leave every flow recoverable', () => {
  let stack: TestStack;
  let proxy: FaultProxy;
  let silent: SilentServer;
  /** An instance whose mail server accepts the connection and never greets. */
  let hangingMailApp: App;
  const answers: Answer[] = [];
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

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
    silent = await startSilentServer();
    ({ app: hangingMailApp } = await stack.bootApp({ env: { SMTP_URL: `smtp://127.0.0.1:${silent.port}` } }));
  });
  afterEach(() => silent?.forwardTo(undefined));
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await silent?.close();
  });

  const send = async (app: App, options: Parameters<App['inject']>[0]) => {
    const answer = await app.inject(options);
    answers.push(answer);
    return answer;
  };
  const bearer = (user: User) => ({ authorization: `Bearer ${user.accessToken}` });
  const complete = (app: App, { username, token }: Link) =>
    send(app, {
      method: 'POST',
      url: '/accounts/signup/complete',
      payload: { username, token, password: TEST_PASSWORD },
    });
  const confirm = (app: App, { username, token }: Link) =>
    send(app, { method: 'POST', url: '/accounts/email/confirm', payload: { username, token } });
  const newestLink = (email: string, prefix: string) =>
    linkParams(stack.smtp.mailsTo(email).at(-1)?.text, prefix);

  const succeed = async (answer: Promise<Answer>, status: number) => {
    const settled = await answer;
    if (settled.statusCode !== status)
      throw new Error(`setup answered ${settled.statusCode}: ${settled.body}`);
  };
  const signup = (app: App, email: string) =>
    send(app, { method: 'POST', url: '/accounts/signup', payload: { email } });
  const signedUp = async (email: string) => {
    await succeed(signup(stack.app, email), 202);
    await jobMail(email, 0);
    return newestLink(email, ACTIVATION_LINK_PREFIX);
  };
  const requestChange = (app: App, user: User, email: string) =>
    send(app, { method: 'POST', url: '/accounts/me/email', headers: bearer(user), payload: { email } });
  const userWithPendingChange = async () => {
    const user = await activatedUser(stack, freshEmail('old'));
    const newEmail = freshEmail('new');
    await succeed(requestChange(stack.app, user, newEmail), 202);
    await jobMail(newEmail, 0);
    return { user, newEmail, link: newestLink(newEmail, CONFIRMATION_LINK_PREFIX) };
  };

  /** The mail the flow's job sends, once it has arrived. */
  // A job that met a fault waits its backoff, and after throttling its SDK paces it: give it time.
  const jobMail = (email: string, before: number) =>
    stack.smtp.waitForMail(email, { count: before + 1, timeoutMs: 25_000 });

  /** A second not-activated account for the address, as a race between two instances leaves one. */
  const createRaceLeftover = (email: string) =>
    stack.pool.client.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.pool.userPoolId,
        Username: randomUUID(),
        TemporaryPassword: 'Leftover-Temp-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );

  /**
   * One account for the address; one activation mail per request, each link naming that account
   * (a further link leaves earlier ones working, so the first one activates it).
   */
  const expectOneActivatableAccount = async (email: string, requests = 1) => {
    const accounts = await listUsersByEmail(stack.pool, email);
    expect(accounts).toHaveLength(1);
    const links = stack.smtp.mailsTo(email).map((mail) => linkParams(mail.text, ACTIVATION_LINK_PREFIX));
    expect(links.map((link) => link.username)).toEqual(Array(requests).fill(accounts[0].Username));
    expect((await complete(stack.app, links[0])).statusCode).toBe(200);
  };

  /** The account has this verified email and no change pending, in Cognito and in the profile. */
  const expectSettledEmail = async (user: User, email: string) => {
    expect(await getUserAttributes(stack.pool, user.username)).toMatchObject({
      email,
      email_verified: 'true',
    });
    const profile = await send(stack.app, { method: 'GET', url: '/accounts/me', headers: bearer(user) });
    expect(profile.json()).toMatchObject({ email, pendingEmail: null });
  };

  const expectNoPendingAttributes = async (user: User) => {
    const attributes = await getUserAttributes(stack.pool, user.username);
    expect(attributes.preferred_username).toBeUndefined();
    expect(attributes[VERIFICATION_ATTRIBUTE]).toBeUndefined();
  };

  const expectEmailUnchanged = async (user: User) =>
    expect(await getUserAttributes(stack.pool, user.username)).toMatchObject({ email: user.email });

  const FLOWS: Flow[] = [
    {
      name: 'signup (new address)',
      calls: ['ListUsers', 'AdminCreateUser'],
      jobFrom: 0,
      write: 'AdminCreateUser',
      sendsMail: true,
      status: 202,
      prepare: () => {
        const email = freshEmail('new');
        return Promise.resolve({
          run: (app) => signup(app, email),
          mailTo: email,
          verify: () => expectOneActivatableAccount(email),
        });
      },
    },
    {
      // With a leftover of an earlier race, so that the clean-up's AdminDeleteUser is a step too.
      // Holders are read again one by one (AdminGetUser): the first account and the leftover.
      name: 'signup again (not activated)',
      calls: ['ListUsers', 'AdminGetUser', 'AdminGetUser', 'AdminDeleteUser', 'AdminUpdateUserAttributes'],
      jobFrom: 0,
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      status: 202,
      prepare: async () => {
        const email = freshEmail('again');
        await signedUp(email);
        await createRaceLeftover(email);
        return {
          run: (app) => signup(app, email),
          mailTo: email,
          verify: () => expectOneActivatableAccount(email, 2),
        };
      },
    },
    {
      // The password is the last write: it is what makes the account active and the link spent.
      name: 'complete signup',
      calls: ['AdminGetUser', 'ListUsers', 'AdminUpdateUserAttributes', 'AdminSetUserPassword'],
      write: 'AdminSetUserPassword',
      spentByLateWrite: 'INVALID_ACTIVATION_LINK',
      status: 200,
      prepare: async () => {
        const email = freshEmail('complete');
        const link = await signedUp(email);
        return {
          run: (app) => complete(app, link),
          verify: async (answer, { late }) => {
            if (!late) expect(answer.json()).toEqual({ username: link.username, email });
            expect(await getUserAttributes(stack.pool, link.username)).toMatchObject({
              UserStatus: 'CONFIRMED',
              email_verified: 'true',
            });
            await expect(signInFrontend(stack.pool, link.username, TEST_PASSWORD)).resolves.toBeDefined();
          },
        };
      },
    },
    {
      // GetUser is AccessGuard's (a write route): the request's own; the rest is the job's.
      name: 'request email change',
      calls: ['GetUser', 'AdminGetUser', 'ListUsers', 'AdminUpdateUserAttributes'],
      jobFrom: 1,
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      status: 202,
      prepare: async () => {
        const user = await activatedUser(stack, freshEmail('old'));
        const newEmail = freshEmail('new');
        return {
          run: (app) => requestChange(app, user, newEmail),
          mailTo: newEmail,
          afterFailure: () => expectEmailUnchanged(user),
          verify: async () => {
            await expectEmailUnchanged(user);
            expect(stack.smtp.mailsTo(newEmail)).toHaveLength(1);
            const confirmed = await confirm(stack.app, newestLink(newEmail, CONFIRMATION_LINK_PREFIX));
            expect(confirmed.json()).toEqual({ email: newEmail });
            await expectSettledEmail(user, newEmail);
            await expectNoPendingAttributes(user);
          },
        };
      },
    },
    {
      name: 'confirm email change',
      calls: [
        'AdminGetUser',
        'ListUsers',
        'AdminUpdateUserAttributes',
        'AdminDeleteUserAttributes',
        // The "this wasn't me" link's seal, stored for the notice to the old address.
        'AdminUpdateUserAttributes',
      ],
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      // The change is made and its link spent by then: see EmailChangeService.
      bestEffort: ['AdminDeleteUserAttributes', 'AdminUpdateUserAttributes #2', 'mail'],
      spentByLateWrite: 'INVALID_CONFIRMATION_LINK',
      status: 200,
      prepare: async () => {
        const { user, newEmail, link } = await userWithPendingChange();
        return {
          run: (app) => confirm(app, link),
          verify: async (answer, { failed, late }) => {
            if (!late) expect(answer.json()).toEqual({ email: newEmail });
            await expectSettledEmail(user, newEmail);
            // Left behind when their removal failed: inert, as the spent link shows.
            if (failed !== 'AdminDeleteUserAttributes') await expectNoPendingAttributes(user);
            expect((await confirm(stack.app, link)).json()).toMatchObject({
              code: 'INVALID_CONFIRMATION_LINK',
            });
            // The activation mail, and the notice of the change unless the mail server failed or
            // the change landed after the service had answered (nobody was left to send it).
            expect(stack.smtp.mailsTo(user.email)).toHaveLength(failed === 'mail' || late ? 1 : 2);
          },
        };
      },
    },
    {
      name: 'cancel email change',
      calls: ['GetUser', 'AdminGetUser', 'AdminDeleteUserAttributes'],
      write: 'AdminDeleteUserAttributes',
      status: 204,
      prepare: async () => {
        const { user, link } = await userWithPendingChange();
        return {
          run: (app) => send(app, { method: 'DELETE', url: '/accounts/me/email', headers: bearer(user) }),
          afterFailure: () => expectEmailUnchanged(user),
          verify: async () => {
            await expectSettledEmail(user, user.email);
            await expectNoPendingAttributes(user);
            expect((await confirm(stack.app, link)).json()).toMatchObject({
              code: 'INVALID_CONFIRMATION_LINK',
            });
          },
        };
      },
    },
  ];

  // Every step gets a persistent 5xx and a dropped connection: 503, then the retry completes.
  // Throttling costs up to 3 s of SDK pacing a row and a slow link about a second, so those are tried
  // at each flow's write only (for the service a throttled call is the same "nothing happened, retry
  // later" as a 5xx), and so is a fault on one attempt only, which the SDK's one retry absorbs.
  const EVERY_STEP: Fault[] = [{ kind: 'error5xx' }, { kind: 'drop' }];
  const AT_THE_WRITE: Fault[] = [
    { kind: 'throttle' },
    { kind: 'slow', holdMs: 2 * COGNITO_TIMEOUT_MS, then: 'forward' },
  ];
  const ONCE_AT_THE_WRITE: Fault = { kind: 'error5xx' };

  const cognitoRow = (flow: Flow, step: Step, fault: Fault, persistent: boolean): Row => ({
    name: `${flow.name} × ${stepName(step, flow)} × ${fault.kind}${persistent ? '' : ' once'}`,
    flow,
    target: 'cognito',
    step,
    fault,
    persistent,
  });

  const ROWS: Row[] = FLOWS.flatMap((flow) => {
    const steps = stepsOf(flow);
    const write = steps.find((step) => step.operation === flow.write);
    if (!write) throw new Error(`${flow.name} makes no ${flow.write} call`);
    return [
      ...steps.flatMap((step) => EVERY_STEP.map((fault) => cognitoRow(flow, step, fault, true))),
      ...AT_THE_WRITE.map((fault) => cognitoRow(flow, write, fault, true)),
      cognitoRow(flow, write, ONCE_AT_THE_WRITE, false),
      ...(flow.sendsMail
        ? (['refuse', 'timeout'] as const).map((fault): Row => ({
            name: `${flow.name} × mail × ${fault}`,
            flow,
            target: 'mail',
            fault,
          }))
        : []),
    ];
  });

  /** The step the row keeps failing, if the SDK's retry does not absorb the fault. */
  const failedStep = (row: Row): StepKind | undefined =>
    row.target === 'mail' ? 'mail' : row.persistent ? row.step.operation : undefined;
  /** Whether the row's fault hits the flow's job (after the answer) rather than the request. */
  const inJob = (row: Row) =>
    row.flow.jobFrom !== undefined && (row.target === 'mail' || row.step.index >= row.flow.jobFrom);
  const failsFirst = (row: Row) => {
    const failed = failedStep(row);
    const name = row.target === 'mail' ? 'mail' : stepName(row.step, row.flow);
    return failed !== undefined && !row.flow.bestEffort?.includes(name) && !inJob(row);
  };
  const expectedFaulted = (row: Row) =>
    row.target === 'mail' ? null : row.persistent ? COGNITO_MAX_ATTEMPTS : 1;
  /** What a client sees of an answer when it went wrong. */
  const errorShape = (answer: Answer) => ({
    status: answer.statusCode,
    code: answer.body ? answer.json<{ code?: string }>().code : undefined,
    retryAfterSeconds: /^\d+$/.test(String(answer.headers['retry-after'])),
  });

  /** How long a 503 may take: bounded retries and timeouts, never a hang. */
  const patience = (row: Row) =>
    row.target === 'cognito'
      ? COGNITO_MAX_ATTEMPTS * COGNITO_TIMEOUT_MS + THROTTLING_DELAY_MS + 500
      : SMTP_TIMEOUT_MS + 1_000;

  const until = async (what: string, done: () => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

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
    for (const flow of FLOWS) {
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
    expect(answers.length).toBeGreaterThan(ROWS.length);
    for (const answer of answers.filter((a) => a.statusCode >= 500)) {
      const shape = errorShape(answer);
      expect(shape).toMatchObject({ status: 503, retryAfterSeconds: true });
      expect(['IDENTITY_PROVIDER_UNAVAILABLE', 'MAIL_UNAVAILABLE']).toContain(shape.code);
    }
  });
});
