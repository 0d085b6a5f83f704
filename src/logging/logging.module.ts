import { Global, Module, RequestMethod } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type Level } from 'pino';
import { appConfig } from '../config/configuration';
import { AuditLog } from './audit-log';

/** Where log lines go (stdout); a provider so a test can read exactly what would be written. */
export const LOG_DESTINATION = Symbol('LogDestination');

@Global()
@Module({
  providers: [{ provide: LOG_DESTINATION, useFactory: () => pino.destination(1) }],
  exports: [LOG_DESTINATION],
})
class LogDestinationModule {}

const PINO_LEVEL: Record<ConfigType<typeof appConfig>['logLevel'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Secrets that could ride on a request: never written. The API takes secrets only in bodies, which
 * are not logged; these paths are the belt to those braces.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.temporaryPassword',
  '*.newPassword',
];

/** Structured JSON logs (one line per event, with the request id) for every request and message. */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      imports: [LogDestinationModule],
      inject: [appConfig.KEY, LOG_DESTINATION],
      useFactory: ({ logLevel }: ConfigType<typeof appConfig>, destination: DestinationStream) => ({
        // nestjs-pino's default route pattern ('{/*splat}') matches nothing on Nest 12 + Fastify.
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        pinoHttp: [
          {
            level: PINO_LEVEL[logLevel],
            redact: { paths: REDACT, censor: '[redacted]' },
            // Fastify has already chosen the id (see createAdapter); log lines carry only that.
            quietReqLogger: true,
            customAttributeKeys: { reqId: 'requestId' },
            serializers: {
              // Method and path only: a query string may carry a link's token (the demo pages do).
              req: (req: IncomingMessage & { id?: unknown }) => ({
                id: req.id,
                method: req.method,
                path: req.url?.split('?')[0],
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
          destination,
        ],
      }),
    }),
  ],
  providers: [AuditLog],
  exports: [AuditLog],
})
export class LoggingModule {}
