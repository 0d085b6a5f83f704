import { apiHeaders, pageHeaders } from './security-headers';

describe('security headers', () => {
  it('lock JSON answers down: no content, no framing, no caching, no sniffing, HTTPS only', () => {
    const headers = apiHeaders();
    expect(headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['x-powered-by']).toBeUndefined();
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
