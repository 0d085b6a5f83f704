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
  type SilentServer,
} from './support/fault-proxy';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
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
}

interface Flow {
  name: string;
  /** Every Cognito call the flow makes when nothing fails, in order (checked below). */
  calls: CognitoOperation[];
  /** The write whose answer matters most: where throttling and a slow link are tried. */
  write: CognitoOperation;
  sendsMail?: boolean;
  /** Steps whose failure the flow rides out, answering success all the same. */
  bestEffort?: StepKind[];
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
    return newestLink(email, ACTIVATION_LINK_PREFIX);
  };
  const requestChange = (app: App, user: User, email: string) =>
    send(app, { method: 'POST', url: '/accounts/me/email', headers: bearer(user), payload: { email } });
  const userWithPendingChange = async () => {
    const user = await activatedUser(stack, freshEmail('old'));
    const newEmail = freshEmail('new');
    await succeed(requestChange(stack.app, user, newEmail), 202);
    return { user, newEmail, link: newestLink(newEmail, CONFIRMATION_LINK_PREFIX) };
  };

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

  /** One account for the address; only the newest link activates it; no stray activation mails. */
  const expectOneActivatableAccount = async (email: string, staleLinks: Link[] = []) => {
    const accounts = await listUsersByEmail(stack.pool, email);
    expect(accounts).toHaveLength(1);
    expect(stack.smtp.mailsTo(email)).toHaveLength(staleLinks.length + 1);
    const newest = newestLink(email, ACTIVATION_LINK_PREFIX);
    expect(newest.username).toBe(accounts[0].Username);
    for (const stale of staleLinks) {
      expect((await complete(stack.app, stale)).json()).toMatchObject({ code: 'INVALID_ACTIVATION_LINK' });
    }
    expect((await complete(stack.app, newest)).statusCode).toBe(200);
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
      calls: ['ListUsers', 'AdminCreateUser', 'ListUsers'],
      write: 'AdminCreateUser',
      sendsMail: true,
      status: 202,
      prepare: () => {
        const email = freshEmail('new');
        return Promise.resolve({
          run: (app) => signup(app, email),
          verify: () => expectOneActivatableAccount(email),
        });
      },
    },
    {
      // With a leftover of an earlier race, so that the clean-up's AdminDeleteUser is a step too.
      name: 'signup again (not activated)',
      calls: ['ListUsers', 'AdminDeleteUser', 'AdminSetUserPassword'],
      write: 'AdminSetUserPassword',
      sendsMail: true,
      status: 202,
      prepare: async () => {
        const email = freshEmail('again');
        const first = await signedUp(email);
        await createRaceLeftover(email);
        return {
          run: (app) => signup(app, email),
          verify: () => expectOneActivatableAccount(email, [first]),
        };
      },
    },
    {
      name: 'complete signup',
      calls: [
        'AdminInitiateAuth',
        'AdminGetUser',
        'AdminUpdateUserAttributes',
        'AdminRespondToAuthChallenge',
      ],
      write: 'AdminRespondToAuthChallenge',
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
      name: 'request email change',
      calls: ['ListUsers', 'AdminGetUser', 'AdminUpdateUserAttributes'],
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      status: 202,
      prepare: async () => {
        const user = await activatedUser(stack, freshEmail('old'));
        const newEmail = freshEmail('new');
        return {
          run: (app) => requestChange(app, user, newEmail),
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
      calls: ['AdminGetUser', 'ListUsers', 'AdminUpdateUserAttributes', 'AdminDeleteUserAttributes'],
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      // The change is made and its link spent by then: see EmailChangeService.
      bestEffort: ['AdminDeleteUserAttributes', 'mail'],
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
      calls: ['AdminGetUser', 'AdminDeleteUserAttributes'],
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

  interface Tried {
    answer: Answer;
    ms: number;
    /** How many requests the proxy failed (null for a mail fault). */
    faulted: number | null;
  }

  /** Tries the action once with the row's fault in place, then removes the fault. */
  const tryWithFault = async (row: Row, attempt: Attempt, app: App): Promise<Tried> => {
    const started = Date.now();
    const tried = (answer: Answer, faulted: number | null) => ({ answer, ms: Date.now() - started, faulted });
    if (row.target === 'mail') {
      if (row.fault === 'timeout') return tried(await attempt.run(hangingMailApp), null);
      stack.smtp.setRejecting(true);
      try {
        return tried(await attempt.run(app), null);
      } finally {
        stack.smtp.setRejecting(false);
      }
    }
    const { step, fault, persistent } = row;
    const rule = proxy.inject(
      step.operation,
      fault,
      persistent ? { from: step.occurrence } : { only: step.occurrence },
    );
    try {
      return tried(await attempt.run(app), rule.faulted);
    } finally {
      proxy.clear();
      // A held request reaches Cognito late; the user's retry comes after it.
      await proxy.settled();
    }
  };

  /** The step the row keeps failing, if the SDK's retry does not absorb the fault. */
  const failedStep = (row: Row): StepKind | undefined =>
    row.target === 'mail' ? 'mail' : row.persistent ? row.step.operation : undefined;
  const failsFirst = (row: Row) => {
    const failed = failedStep(row);
    return failed !== undefined && !row.flow.bestEffort?.includes(failed);
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

  it('the table has a step for every Cognito call each flow makes', async () => {
    for (const flow of FLOWS) {
      const attempt = await flow.prepare();
      proxy.clear();
      await attempt.run(stack.app);
      expect({ flow: flow.name, calls: [...proxy.seen] }).toEqual({ flow: flow.name, calls: flow.calls });
    }
  });

  it.each(ROWS)('$name', async (row) => {
    // The fault hits a fresh instance, whose SDK retry quota and adaptive limiter start from scratch.
    const { app } = await stack.bootApp();
    const attempt = await row.flow.prepare();
    const first = await tryWithFault(row, attempt, app);
    const failed = failedStep(row);
    if (!failsFirst(row)) {
      expect({ status: first.answer.statusCode, faulted: first.faulted }).toEqual({
        status: row.flow.status,
        faulted: expectedFaulted(row),
      });
      return attempt.verify(first.answer, { failed });
    }
    expect({ ...errorShape(first.answer), faulted: first.faulted }).toEqual({
      status: 503,
      code: row.target === 'cognito' ? 'IDENTITY_PROVIDER_UNAVAILABLE' : 'MAIL_UNAVAILABLE',
      retryAfterSeconds: true,
      faulted: expectedFaulted(row),
    });
    expect(first.ms).toBeLessThan(patience(row));
    await attempt.afterFailure?.();

    // The retry may reach any instance; this one stays paced by its SDK for a while after throttling.
    const retried = await attempt.run(stack.app);
    const late =
      row.target === 'cognito' && row.fault.kind === 'slow' && row.flow.spentByLateWrite !== undefined;
    expect({ status: retried.statusCode, code: errorShape(retried).code }).toEqual(
      late ? { status: 400, code: row.flow.spentByLateWrite } : { status: row.flow.status, code: undefined },
    );
    await attempt.verify(retried, { late });
  });

  it('never answered 500, and every 503 says which upstream failed and when to retry', () => {
    expect(answers.length).toBeGreaterThan(ROWS.length);
    for (const answer of answers.filter((a) => a.statusCode >= 500)) {
      const shape = errorShape(answer);
      expect(shape).toMatchObject({ status: 503, retryAfterSeconds: true });
      expect(['IDENTITY_PROVIDER_UNAVAILABLE', 'MAIL_UNAVAILABLE']).toContain(shape.code);
    }
  });
});
