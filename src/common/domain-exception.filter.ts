import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorResponse, type ErrorResponseDto } from './dto/error-response.dto';
import { DomainError, ERROR_STATUS, RateLimitedError, ServiceBusyError } from './errors';

/** Seconds a client should wait before retrying after a 503 from an upstream outage. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Maps every error to HTTP in one place: domain errors by code, Nest's HTTP exceptions as they are,
 * anything else to a generic 500 that is logged with the request id (the client sees no internals).
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const context = host.switchToHttp();
    const request = context.getRequest<{ id?: string; method?: string; url?: string }>();
    const response = context.getResponse<unknown>();
    const body = this.toBody(exception, request);
    if (body.statusCode === 503) {
      httpAdapter.setHeader(response, 'Retry-After', String(RETRY_AFTER_SECONDS));
    }
    if (body.statusCode === 401) httpAdapter.setHeader(response, 'WWW-Authenticate', 'Bearer');
    if (exception instanceof RateLimitedError || exception instanceof ServiceBusyError) {
      httpAdapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds));
    }
    httpAdapter.reply(response, body, body.statusCode);
  }

  private toBody(
    exception: unknown,
    request: { id?: string; method?: string; url?: string },
  ): ErrorResponseDto {
    if (exception instanceof DomainError) {
      const statusCode = ERROR_STATUS[exception.code];
      if (statusCode >= 500) {
        this.logger.warn(
          `${request.method} ${pathOf(request)} ${exception.code}: ${describeCause(exception.cause)}`,
        );
      }
      return errorResponse(statusCode, exception.message, { code: exception.code });
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? (response as { message: string | string[] }).message
          : exception.message;
      return errorResponse(statusCode, shortened(withoutUrl(message, request)));
    }
    if (isCutOffBody(exception)) {
      // The client went away mid-body (a dropped connection, or a slow-body attacker): nothing of ours failed.
      this.logger.log(
        `Request body cut off by the client in ${request.method} ${pathOf(request)} (request ${request.id})`,
      );
      return errorResponse(HttpStatus.BAD_REQUEST, 'The request body was cut off');
    }
    this.logger.error(
      `Unhandled error in ${request.method} ${pathOf(request)} (request ${request.id})`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return errorResponse(HttpStatus.INTERNAL_SERVER_ERROR, 'Something went wrong on our side', {
      requestId: request.id,
    });
  }
}

/**
 * Node's error for a request stream whose connection closed before its body ended. Checked by shape:
 * Node's own errors may come from another realm (a VM context), where `instanceof Error` is false.
 */
function isCutOffBody(exception: unknown): boolean {
  const { message, code } = (exception ?? {}) as { message?: unknown; code?: unknown };
  return message === 'aborted' && code === 'ECONNRESET';
}

/** The request's path without its query string (a link's `?t=` token must never reach a log). */
function pathOf(request: { url?: string }): string {
  return (request.url ?? '').split('?', 1)[0].split('#', 1)[0];
}

/** Paths in answers are cut to this many characters. */
const PATH_MAX = 100;

/**
 * Nest's "Cannot GET <url>" for an unknown route echoes the whole URL, query string included (5 kB
 * of it, or a token): answer with the path only, cut short.
 */
function withoutUrl(
  message: string | string[],
  request: { method?: string; url?: string },
): string | string[] {
  if (typeof message !== 'string' || !request.url || message !== `Cannot ${request.method} ${request.url}`) {
    return message;
  }
  const path = pathOf(request);
  return `Cannot ${request.method} ${path.length > PATH_MAX ? `${path.slice(0, PATH_MAX)}…` : path}`;
}

/** Longest message line answered: framework messages may quote a header or a path of any size. */
const MESSAGE_MAX = 300;

const cut = (line: string) => (line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX)}…` : line);

/** Every line of a message cut to MESSAGE_MAX characters. */
function shortened(message: string | string[]): string | string[] {
  return typeof message === 'string' ? cut(message) : message.map(cut);
}

/** The name and code of an upstream failure, never its payload. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'unknown cause';
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? `${cause.name} (${code})` : cause.name;
}
