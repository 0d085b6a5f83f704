import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving a request carries. */
export interface RequestContext {
  requestId: string;
}

/** Set by a Fastify onRequest hook (see configureApp) for everything that runs for the request. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The id of the request being served, if any. */
export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;

/**
 * Runs `work` as part of request `requestId` (a job it queued, run later), or of no request: never
 * of whichever request happened to wake the code that runs it.
 */
export const runInRequest = <T>(requestId: string | undefined, work: () => T): T =>
  requestId === undefined ? requestContext.exit(work) : requestContext.run({ requestId }, work);
