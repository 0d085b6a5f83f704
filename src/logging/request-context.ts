import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving a request carries. */
export interface RequestContext {
  requestId: string;
}

/** Set by a Fastify onRequest hook (see configureApp) for everything that runs for the request. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
