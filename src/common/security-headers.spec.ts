import { apiHeaders, pageHeaders } from './security-headers';

describe('security headers', () => {
  it('lock JSON answers down: no content, no framing, no caching, no sniffing, HTTPS only', () => {
    const headers = apiHeaders();
    expect(headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['x-powered-by']).toBeUndefined();
    // OWASP's REST set and nothing else: every answer pays for each byte.
    expect(Object.keys(headers).sort()).toEqual([
      'cache-control',
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
    ]);
  });

  it('let pages load their own scripts and call only the listed origins', () => {
    const csp = pageHeaders(["'self'", 'https://cognito-idp.eu-west-1.amazonaws.com'])[
      'content-security-policy'
    ];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });
});
