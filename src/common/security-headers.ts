import helmet, { type HelmetOptions } from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/**
 * The headers helmet sets with these options, computed once at boot: helmet stays the source of
 * truth for the values, and a request pays for one `reply.headers()` instead of helmet's dozen hooks.
 * Helmet runs as its documentation shows it without Express (an `http.IncomingMessage`, an
 * `http.ServerResponse` and a callback); the response is never sent.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const socket = new Socket();
  const response = new ServerResponse(new IncomingMessage(socket));
  const outcome: { done: boolean; error?: unknown } = { done: false };
  helmet(options)(response.req, response, (error?: unknown) => {
    Object.assign(outcome, { done: true, error });
  });
  socket.destroy();
  if (!outcome.done) {
    throw new Error('helmet did not finish synchronously: its headers cannot be computed at boot');
  }
  if (outcome.error) throw new Error('helmet refused these options', { cause: outcome.error });
  return Object.fromEntries(
    Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
}

/**
 * JSON answers: nothing to render or frame, nothing for a cache to keep (profiles are personal).
 * Exactly the set OWASP's REST Security Cheat Sheet asks of an API (Cache-Control, CSP with
 * frame-ancestors, HSTS, nosniff, X-Frame-Options). Left out, since each header is set, checked
 * and written on every answer (the security headers were a large share of what `GET /health` costs
 * over bare Nest, profiled): headers that matter only to rendered HTML (Referrer-Policy and the like), and
 * Cross-Origin-Resource-Policy, which guards answers a cross-site page could embed with the
 * visitor's cookies; this API answers only requests that carry a bearer token, which such an
 * embed never sends.
 */
export const apiHeaders = (): Record<string, string> => ({
  ...helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }),
  'cache-control': 'no-store',
});

/** HTML pages this service serves (Swagger UI, demo pages), which may call `connectSources`. */
export const pageHeaders = (connectSources: string[]): Record<string, string> =>
  helmetHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: connectSources,
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
  });
