import {
  type ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { createAdapter } from '../app.setup';
import { DomainExceptionFilter } from './domain-exception.filter';
import type { ErrorResponseDto } from './dto/error-response.dto';
import {
  DeadLetterNotFoundError,
  DomainError,
  EventSinkUnavailableError,
  EmailTakenError,
  ERROR_STATUS,
  ErrorCode,
  IdentityProviderUnavailableError,
  InvalidActivationLinkError,
  InvalidConfirmationLinkError,
  InvalidMfaCodeError,
  InvalidResetLinkError,
  InvalidRestoreLinkError,
  UnauthenticatedError,
  RateLimitedError,
  StoreUnavailableError,
  InvalidPasswordError,
  MailUnavailableError,
  NotAuthorizedError,
  UserNotFoundError,
  UsernameTakenError,
  ForbiddenError,
  NotInvitedError,
  ReauthenticationRequiredError,
  InvalidCursorError,
  TokenScopeMissingError,
  PasswordResetRequiredError,
  ServiceBusyError,
  CaptchaFailedError,
  CaptchaUnavailableError,
  LastAdminError,
  OwnAccountError,
} from './errors';
import { CapturedLogs } from '../../test/support/captured-logs';

/** One of each domain error class: a new code does not compile until it has a sample here. */
const SAMPLES: Record<ErrorCode, DomainError> = {
  INVALID_ACTIVATION_LINK: new InvalidActivationLinkError(),
  INVALID_CONFIRMATION_LINK: new InvalidConfirmationLinkError(),
  INVALID_RESET_LINK: new InvalidResetLinkError(),
  INVALID_MFA_CODE: new InvalidMfaCodeError(),
  INVALID_RESTORE_LINK: new InvalidRestoreLinkError(),
  UNAUTHENTICATED: new UnauthenticatedError('Access token expired'),
  RATE_LIMITED: new RateLimitedError(42),
  STORE_UNAVAILABLE: new StoreUnavailableError(),
  INVALID_PASSWORD: new InvalidPasswordError('Password must have symbol characters'),
  EMAIL_TAKEN: new EmailTakenError(),
  USERNAME_TAKEN: new UsernameTakenError(),
  NOT_INVITED: new NotInvitedError(),
  LAST_ADMIN: new LastAdminError(),
  OWN_ACCOUNT: new OwnAccountError('DELETE /accounts/me'),
  REAUTHENTICATION_REQUIRED: new ReauthenticationRequiredError(),
  INVALID_CURSOR: new InvalidCursorError(),
  TOKEN_SCOPE_MISSING: new TokenScopeMissingError(),
  PASSWORD_RESET_REQUIRED: new PasswordResetRequiredError(),
  USER_NOT_FOUND: new UserNotFoundError(),
  NOT_AUTHORIZED: new NotAuthorizedError(),
  FORBIDDEN: new ForbiddenError(),
  IDENTITY_PROVIDER_UNAVAILABLE: new IdentityProviderUnavailableError({
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  }),
  MAIL_UNAVAILABLE: new MailUnavailableError({ cause: new Error('535 auth failed for user:hunter2') }),
  SERVICE_BUSY: new ServiceBusyError(7),
  CAPTCHA_FAILED: new CaptchaFailedError(),
  CAPTCHA_UNAVAILABLE: new CaptchaUnavailableError(),
  EVENT_SINK_UNAVAILABLE: new EventSinkUnavailableError(),
  DEAD_LETTER_NOT_FOUND: new DeadLetterNotFoundError(),
};

/**
 * The filter behind a real Fastify instance (the app's own adapter): the route throws whatever the
 * test puts in `toThrow`, and the filter answers, as Nest would call it.
 */
describe('DomainExceptionFilter', () => {
  let fastify: FastifyInstance;
  let toThrow: unknown;
  let logger: CapturedLogs;

  beforeAll(async () => {
    const adapter = createAdapter();
    const adapterHost = new HttpAdapterHost();
    adapterHost.httpAdapter = adapter;
    const filter = new DomainExceptionFilter(adapterHost);
    fastify = adapter.getInstance<FastifyInstance>();
    let requests = 0;
    fastify.addHook('onRequest', (request, _reply, done) => {
      // Fastify's ids are "req-1", "req-2"...: make them distinct from anything else in a body.
      (request as { id: string }).id = `test-request-${++requests}`;
      done();
    });
    for (const path of ['/boom', '/boom/*']) {
      fastify.all(path, (request, reply) => {
        const http = { getRequest: () => request, getResponse: () => reply };
        filter.catch(toThrow, { switchToHttp: () => http } as unknown as ArgumentsHost);
      });
    }
    await fastify.ready();
  });

  afterAll(async () => {
    await fastify.close();
  });

  beforeEach(() => {
    logger = new CapturedLogs();
    Logger.overrideLogger(logger);
  });

  afterEach(() => {
    Logger.overrideLogger(false);
  });

  async function answerTo(exception: unknown, method: 'GET' | 'POST' = 'POST', url = '/boom') {
    toThrow = exception;
    const response = await fastify.inject({ method, url });
    return {
      status: response.statusCode,
      headers: response.headers,
      body: response.json<ErrorResponseDto>(),
    };
  }

  it.each(Object.entries(SAMPLES))('answers %s with its status and a stable body', async (code, error) => {
    const status = ERROR_STATUS[code as ErrorCode];

    const { status: actual, body, headers } = await answerTo(error);

    expect(actual).toBe(status);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(body).toEqual({
      statusCode: status,
      error: expect.any(String) as string,
      message: error?.message,
      code,
    });
    expect(body.error).not.toBe('Error');
  });

  it.each(Object.keys(ERROR_STATUS) as ErrorCode[])(
    'maps code %s to its status in ERROR_STATUS',
    async (code) => {
      const { status, body } = await answerTo(new DomainError(code, `a ${code} happened`));

      expect(status).toBe(ERROR_STATUS[code]);
      expect(body).toMatchObject({ statusCode: ERROR_STATUS[code], message: `a ${code} happened`, code });
    },
  );

  it('uses the standard reason phrase as `error`', async () => {
    expect((await answerTo(new EmailTakenError())).body.error).toBe('Conflict');
    expect((await answerTo(new UserNotFoundError())).body.error).toBe('Not Found');
    expect((await answerTo(new NotAuthorizedError())).body.error).toBe('Forbidden');
    expect((await answerTo(new InvalidActivationLinkError())).body.error).toBe('Bad Request');
    expect((await answerTo(new MailUnavailableError())).body.error).toBe('Service Unavailable');
  });

  it.each([new IdentityProviderUnavailableError(), new MailUnavailableError()])(
    'tells the client when to retry after a 503 ($code)',
    async (error) => {
      const { status, headers } = await answerTo(error);

      expect(status).toBe(503);
      expect(Number(headers['retry-after'])).toBeGreaterThan(0);
    },
  );

  it.each([
    [new RateLimitedError(42), 429, '42', 'RATE_LIMITED'],
    [new ServiceBusyError(7), 503, '7', 'SERVICE_BUSY'],
  ])('tells a client held back exactly when to retry (%s)', async (error, status, retryAfter, code) => {
    const answer = await answerTo(error);
    expect([answer.status, answer.headers['retry-after'], answer.body.code]).toEqual([
      status,
      retryAfter,
      code,
    ]);
  });

  it.each([new EmailTakenError(), new BadRequestException('nope'), new Error('x')])(
    'sends no Retry-After with an answer that is neither 503 nor 429 (%s)',
    async (error) => {
      expect((await answerTo(error)).headers['retry-after']).toBeUndefined();
    },
  );

  it('logs an upstream outage with the cause name and code, not the cause message', async () => {
    await answerTo(new MailUnavailableError({ cause: new Error('535 auth failed for user:hunter2') }));
    await answerTo(
      new IdentityProviderUnavailableError({
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
    );

    const warnings = logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.text);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('MAIL_UNAVAILABLE');
    expect(warnings[0]).not.toContain('hunter2');
    expect(warnings[1]).toContain('IDENTITY_PROVIDER_UNAVAILABLE');
    expect(warnings[1]).toContain('ECONNREFUSED');
  });

  it('answers an action IAM refused as an outage to retry, logging the exception name only', async () => {
    const refused = Object.assign(
      new Error('User: arn:aws:sts::1:assumed-role/api is not authorized, user 5f1e-private'),
      { name: 'AccessDeniedException', $fault: 'client' },
    );

    const { status, headers, body } = await answerTo(
      new IdentityProviderUnavailableError({ cause: refused }),
    );

    expect({ status, code: body.code }).toEqual({ status: 503, code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
    expect(Number(headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain('arn:aws');
    const [warning] = logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.text);
    expect(warning).toContain('AccessDeniedException');
    expect(warning).not.toContain('5f1e-private');
  });

  it('passes a validation error through with its status and every message', async () => {
    const messages = ['email must be an email', 'locale must be a string'];

    const { status, body } = await answerTo(new BadRequestException(messages));

    expect(status).toBe(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: messages });
  });

  it.each([
    [new NotFoundException('Cannot POST /nowhere'), 404, 'Not Found', 'Cannot POST /nowhere'],
    [new ForbiddenException(), 403, 'Forbidden', 'Forbidden'],
    [new HttpException('Slow down', HttpStatus.TOO_MANY_REQUESTS), 429, 'Too Many Requests', 'Slow down'],
  ])('passes %s through', async (exception, status, error, message) => {
    const answer = await answerTo(exception);

    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ statusCode: status, error, message });
  });

  it('answers an unknown route without its query string, its path cut short', async () => {
    const url = `/boom/${'p'.repeat(300)}?t=secret-link-token`;
    toThrow = new NotFoundException(`Cannot GET ${url}`);
    const response = await fastify.inject({ method: 'GET', url });
    const { message } = response.json<ErrorResponseDto>();
    expect(message).toBe(`Cannot GET /boom/${'p'.repeat(94)}…`);
  });

  it('answers an unknown error with a generic 500 that carries the request id, not the error', async () => {
    const secret = 'postgres://admin:s3cr3t-passw0rd@db.internal/prod';

    const { status, body } = await answerTo(new Error(`connection to ${secret} failed`));

    expect(status).toBe(500);
    expect(body).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
    expect(body.requestId).toMatch(/^test-request-\d+$/);
    expect(body.code).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('s3cr3t');
    expect(JSON.stringify(body)).not.toContain('postgres');
  });

  it('logs an unknown error with its request id, route and stack', async () => {
    const { body } = await answerTo(new TypeError('Cannot read properties of undefined (reading "x")'));

    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].text).toContain(body.requestId);
    expect(errors[0].text).toContain('POST /boom');
    expect(errors[0].text).toContain('TypeError: Cannot read properties of undefined');
  });

  it('logs the path only, never the query string (a link carries its token there)', async () => {
    const url = '/boom?u=someone&t=link-token-that-must-not-be-logged';
    await answerTo(new TypeError('boom'), 'GET', url);
    await answerTo(new MailUnavailableError(), 'GET', url);

    const lines = logger.entries.filter((entry) => ['error', 'warn'].includes(entry.level));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.text).toContain('GET /boom');
      expect(line.text).not.toContain('link-token');
      expect(line.text).not.toContain('?');
    }
  });

  it('answers a thrown non-Error with the same generic 500', async () => {
    const { status, body } = await answerTo('raw string with a token abc123', 'GET');

    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('abc123');
    expect(logger.entries.filter((entry) => entry.level === 'error')).toHaveLength(1);
  });

  it('does not log client errors as errors', async () => {
    await answerTo(new EmailTakenError());
    await answerTo(new BadRequestException(['x']));

    expect(logger.entries.filter((entry) => ['error', 'warn', 'fatal'].includes(entry.level))).toEqual([]);
  });
});
