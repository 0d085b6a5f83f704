import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CognitoOperation, Fault } from './fault-proxy';
import type { activatedUser, linkParams } from './flows';

/*
 * The fault table of test/faults.e2e-spec.ts: each flow's steps, the faults tried at each, and what a
 * client must see for each row.
 */

/**
 * Long enough that no answer of a healthy moto on a busy machine times out (at 300 ms, runs on a loaded
 * CI machine saw healthy calls retried); the slow fault holds a request twice as long.
 */
export const COGNITO_TIMEOUT_MS = 1_500;
export const COGNITO_MAX_ATTEMPTS = 2;
export const SMTP_TIMEOUT_MS = 500;
/**
 * After a throttling answer the SDK backs off up to 1 s, and its adaptive limiter then paces a quiet
 * client at 0.5 calls/s: the retry waits up to 2 s more for a send token.
 */
const THROTTLING_DELAY_MS = 3_000;

export type App = NestFastifyApplication;
export type Answer = Awaited<ReturnType<App['inject']>>;
export type Link = ReturnType<typeof linkParams>;
export type User = Awaited<ReturnType<typeof activatedUser>>;

/** A step of a flow: one of its Cognito calls, or its mail. */
export type StepKind = CognitoOperation | 'mail';

/** A user action on an account prepared for it, and what must hold once it has succeeded. */
export interface Attempt {
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

export interface Flow {
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

export interface Step {
  /** Where in the flow's calls. */
  index: number;
  operation: CognitoOperation;
  /** Which of the flow's calls to this operation, from 1. */
  occurrence: number;
}

export type Row = { name: string; flow: Flow } & (
  | { target: 'cognito'; step: Step; fault: Fault; persistent: boolean }
  | { target: 'mail'; fault: 'refuse' | 'timeout' }
);

export const stepsOf = (flow: Flow): Step[] =>
  flow.calls.map((operation, i) => ({
    index: i,
    operation,
    occurrence: flow.calls.slice(0, i).filter((call) => call === operation).length + 1,
  }));

export const stepName = ({ operation, occurrence }: Step, flow: Flow) =>
  flow.calls.filter((call) => call === operation).length > 1 ? `${operation} #${occurrence}` : operation;

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

/** The table: each flow × each of its steps (or its mail) × each fault tried there. */
export const rowsOf = (flows: Flow[]): Row[] =>
  flows.flatMap((flow) => {
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
export const failedStep = (row: Row): StepKind | undefined =>
  row.target === 'mail' ? 'mail' : row.persistent ? row.step.operation : undefined;
/** Whether the row's fault hits the flow's job (after the answer) rather than the request. */
export const inJob = (row: Row) =>
  row.flow.jobFrom !== undefined && (row.target === 'mail' || row.step.index >= row.flow.jobFrom);
export const failsFirst = (row: Row) => {
  const failed = failedStep(row);
  const name = row.target === 'mail' ? 'mail' : stepName(row.step, row.flow);
  return failed !== undefined && !row.flow.bestEffort?.includes(name) && !inJob(row);
};
export const expectedFaulted = (row: Row) =>
  row.target === 'mail' ? null : row.persistent ? COGNITO_MAX_ATTEMPTS : 1;
/** What a client sees of an answer when it went wrong. */
export const errorShape = (answer: Answer) => ({
  status: answer.statusCode,
  code: answer.body ? answer.json<{ code?: string }>().code : undefined,
  retryAfterSeconds: /^\d+$/.test(String(answer.headers['retry-after'])),
});

/**
 * How long a 503 may take: bounded retries and timeouts, never a hang (a hang would be the test's
 * 60 s). The slack is a busy machine's: the fault counts, not this bound, show the retries.
 */
export const patience = (row: Row) =>
  (row.target === 'cognito'
    ? COGNITO_MAX_ATTEMPTS * COGNITO_TIMEOUT_MS + THROTTLING_DELAY_MS
    : SMTP_TIMEOUT_MS) + 5_000;
