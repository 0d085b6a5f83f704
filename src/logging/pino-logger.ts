import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Logger as Pino } from 'pino';
import { requestContext } from './request-context';

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Nest's log levels in pino's terms (LOG_LEVEL is given in Nest's). */
export const PINO_LEVEL: Record<LogLevel, PinoMethod> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Nest's logger interface on top of pino: one JSON line per call with the Nest context, the
 * request id of the request being served (if any), and an object message's fields merged in.
 */
export class PinoLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    const method = PINO_LEVEL[level];
    if (!this.pino.isLevelEnabled(method)) return;
    // Nest passes the context last; an error's stack, when there is one, before it.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields = {
      requestId: requestContext.getStore()?.requestId,
      context,
      ...(stack ? { stack } : {}),
      ...(typeof message === 'object' && message !== null && !(message instanceof Error) ? message : {}),
    };
    const text =
      typeof message === 'string' ? message : message instanceof Error ? message.message : undefined;
    this.pino[method](fields, text);
  }
}
