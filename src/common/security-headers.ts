import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet would set with these options, computed once: helmet stays the source of truth
 * for the values, and a request pays for one `reply.headers()` instead of helmet's dozen hooks.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as never, response as never, () => undefined);
  return headers;
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
