import { runInNewContext } from 'node:vm';
import { startStack, TestStack } from './support/stack';

describe('service basics', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('GET /health answers 200 while the process is up', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document with every route, its bodies and its error answers', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    }>();
    expect(doc.paths['/accounts/signup'].post.operationId).toBe('signup');
    expect(doc.paths['/accounts/signup/resend'].post.operationId).toBe('resendActivation');
    expect(doc.paths['/accounts/signup/complete'].post.operationId).toBe('completeSignup');
    expect(doc.paths['/health'].get.operationId).toBe('health');
    expect(Object.keys(doc.paths['/accounts/signup'].post.responses)).toEqual(
      expect.arrayContaining(['202', '400', '413', '503']),
    );
    // DTOs are the one source of both validation and docs. 246, not RFC 5321's 254: the longest
    // address whose escaped ListUsers filter (`email = "…"`) fits Cognito's 256 characters.
    expect(doc.components.schemas.SignupDto.required).toEqual(['email']);
    expect(doc.components.schemas.SignupDto.properties?.email).toMatchObject({
      format: 'email',
      maxLength: 246,
    });
    expect(doc.components.schemas.CompleteSignupDto.required).toEqual(['username', 'token', 'password']);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/docs', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger-ui');
  });

  it("lets Swagger UI's Authorize take a pasted `Bearer <token>` as well as the bare token, and says so", async () => {
    const init = await stack.app.inject({ method: 'GET', url: '/docs/swagger-ui-init.js' });
    expect(init.statusCode).toBe(200);
    // The script as a browser runs it, up to the options it hands Swagger UI.
    const window: { onload?: () => void; location: object } = {
      location: { search: '', origin: 'http://127.0.0.1' },
    };
    let options: { requestInterceptor?: (request: { headers: Record<string, string> }) => unknown } = {};
    runInNewContext(init.body, {
      window,
      SwaggerUIBundle: Object.assign((given: typeof options) => (options = given), {
        presets: {},
        plugins: {},
      }),
      SwaggerUIStandalonePreset: {},
    });
    window.onload?.();
    const sent = (authorization: string) => {
      const request = { headers: { Authorization: authorization } };
      options.requestInterceptor?.(request);
      return request.headers.Authorization;
    };
    expect(sent('Bearer Bearer eyJ.a.b')).toBe('Bearer eyJ.a.b');
    expect(sent('Bearer eyJ.a.b')).toBe('Bearer eyJ.a.b');

    const document = (await stack.app.inject({ method: 'GET', url: '/docs-json' })).json<{
      components: { securitySchemes: Record<string, { description?: string }> };
    }>();
    expect(document.components.securitySchemes.bearer.description).toContain('with or without `Bearer `');
  });

  it('answers /favicon.ico with an icon, not a 404', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.body).toMatch(/^<svg /);
  });
});
