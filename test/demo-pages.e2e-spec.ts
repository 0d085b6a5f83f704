import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startStack, TestStack } from './support/stack';

const PAGES = [
  'index.html',
  'signup.html',
  'signup.js',
  'activate.html',
  'activate.js',
  'confirm-email.html',
  'confirm-email.js',
  'account.html',
  'account.js',
  'forgot-password.html',
  'forgot-password.js',
  'reset-password.html',
  'reset-password.js',
  'restore-email.html',
  'restore-email.js',
  'admin.html',
  'admin.js',
  'admin-session.js',
  'admin-report.js',
  'demo.js',
  'accounts-client.js',
  'demo.css',
];

describe('demo pages (DEMO_PAGES)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it.each([...PAGES, 'config.json'])('does not serve /demo/%s unless DEMO_PAGES=true', async (file) => {
    const res = await stack.app.inject({ method: 'GET', url: `/demo/${file}` });
    expect(res.statusCode).toBe(404);
  });

  it('leads / to the API documentation without them', async () => {
    const root = await stack.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/docs');
  });

  describe('with DEMO_PAGES=true', () => {
    let demo: NestFastifyApplication;

    beforeAll(async () => {
      ({ app: demo } = await stack.bootApp({ env: { DEMO_PAGES: 'true' } }));
    });

    it.each(PAGES)('serves /demo/%s to anyone, without a token', async (file) => {
      const res = await demo.inject({ method: 'GET', url: `/demo/${file}` });
      expect(res.statusCode).toBe(200);
      expect(res.body.length).toBeGreaterThan(0);
    });

    it('leads / and /demo to the index of the pages', async () => {
      const root = await demo.inject({ method: 'GET', url: '/' });
      expect(root.statusCode).toBe(302);
      expect(root.headers.location).toBe('/demo/');

      const redirect = await demo.inject({ method: 'GET', url: '/demo' });
      expect(redirect.statusCode).toBe(301);
      expect(redirect.headers.location).toBe('/demo/');

      const index = await demo.inject({ method: 'GET', url: '/demo/' });
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('<title>cognito-accounts demo</title>');
      for (const page of ['signup.html', 'account.html', 'forgot-password.html', 'admin.html', '/docs']) {
        expect(index.body).toContain(`href="${page}"`);
      }
    });

    it('tells the account page how to sign in, and nothing secret', async () => {
      const res = await demo.inject({ method: 'GET', url: '/demo/config.json' });

      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        region: 'eu-west-1',
        userPoolId: stack.pool.userPoolId,
        clientId: stack.pool.frontendClientId,
        cognitoEndpoint: stack.fidelity.endpoint,
        passwordRules:
          'at least 12 characters, with an upper-case letter, a lower-case letter, a digit and a symbol such as - _ ! or ?',
      });
      expect(res.body).not.toContain(stack.pool.backendClientId);
    });

    it('lets the pages call the Cognito endpoint (Content-Security-Policy connect-src)', async () => {
      const res = await demo.inject({ method: 'GET', url: '/demo/account.html' });
      expect(res.headers['content-security-policy']).toMatch(
        new RegExp(`connect-src [^;]*${stack.fidelity.endpoint.replace(/[.]/g, '\\.')}`),
      );
    });

    it('leaves the API as closed as before', async () => {
      const me = await demo.inject({ method: 'GET', url: '/accounts/me' });
      expect(me.statusCode).toBe(401);

      const missing = await demo.inject({ method: 'GET', url: '/demo/nothing-here.html' });
      expect(missing.statusCode).toBe(404);
    });

    it('keeps the pages out of the OpenAPI document', async () => {
      const res = await demo.inject({ method: 'GET', url: '/docs-json' });
      expect(Object.keys(res.json<{ paths: Record<string, unknown> }>().paths)).not.toContainEqual(
        expect.stringMatching(/^\/demo/),
      );
    });
  });
});
