import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  documentedStatuses,
  observation,
  saveObservations,
  undocumented,
  type OpenApiPaths,
} from './openapi-statuses';

/** The statuses an app of the e2e stack gave, per route, held against its own OpenAPI document. */
export interface StatusRecorder {
  /** Saves what was seen for the run's check and returns what the document does not list. */
  check(): string[];
}

/** Records each response's route and status (added before the app is ready, as Fastify requires). */
export function recordStatuses(
  app: NestFastifyApplication,
  buildDocument: (app: NestFastifyApplication) => unknown,
): StatusRecorder {
  const observed = new Set<string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const line = observation(request.method, request.routeOptions.url, reply.statusCode);
      if (line) observed.add(line);
      done();
    });
  return {
    check: () => {
      saveObservations(observed);
      return undocumented(observed, documentedStatuses(buildDocument(app) as OpenApiPaths));
    },
  };
}
