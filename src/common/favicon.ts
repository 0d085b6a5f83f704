import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** A key on the demo pages' accent blue. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">' +
  '<rect width="16" height="16" rx="3" fill="#1f6feb"/>' +
  '<circle cx="5.5" cy="8" r="2.5" fill="none" stroke="#fff" stroke-width="1.5"/>' +
  '<path d="M8 8h5.5M11 8v2.5M13 8v2" stroke="#fff" stroke-width="1.5"/>' +
  '</svg>';

/**
 * Browsers ask every origin for /favicon.ico (Swagger UI's JSON, a route opened by hand): answered,
 * so no page load leaves a 404 in the log. The demo pages link it as SVG. A Fastify route like the
 * demo pages: outside the access guard and the OpenAPI document.
 */
export function serveFavicon(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .get('/favicon.ico', (_request, reply) =>
      reply
        .header('content-type', 'image/svg+xml')
        .header('cache-control', 'public, max-age=86400')
        .send(FAVICON_SVG),
    );
}
