import { randomUUID } from 'node:crypto';
import { currentRequestId } from '../logging/request-context';

/**
 * A job: work that a request hands over to run after the answer, e.g. the Cognito look-up, writes
 * and mail of a signup. A job carries no secret (an address, a locale, a kind, a username): tokens
 * are made inside the job, so a queue's store (Redis, SQS) never holds one.
 */
export interface JobDefinition<Payload> {
  readonly name: string;
  /** Type-only: ties the payload type to the name. */
  readonly payload?: Payload;
}

/**
 * Declares a job kind once, beside the method that runs it (marked `@JobHandler(THE_JOB)`): the
 * constant ties the name to its payload type, so `enqueue(THE_JOB, payload)` and the handler's
 * parameter are checked against each other, and its references lead from one to the other.
 */
export const defineJob = <Payload extends object>(name: string): JobDefinition<Payload> => ({ name });

export interface JobContext {
  /** Stable across retries of one job: a handler uses it to make a re-run idempotent. */
  id: string;
  /** 1 on the first run. */
  attempt: number;
}

/** What runs a job of one kind. */
export type JobRunner<Payload> = (payload: Payload, context: JobContext) => Promise<void>;

/** What every engine stores and hands to a worker. */
export interface QueuedJob {
  id: string;
  name: string;
  payload: object;
  /** The request that queued the job: its log and audit lines carry this id too. An id, not a secret. */
  requestId?: string;
}

/** A new job of kind `name`, queued by the request being served (if any). */
export const queuedJob = (name: string, payload: object): QueuedJob => ({
  id: randomUUID(),
  name,
  payload,
  requestId: currentRequestId(),
});
