import type { ConfigType } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { LogLevel, NestApplicationOptions } from '@nestjs/common';
import { appConfig } from './config/configuration';

/** Bodies above this are refused with 413 before any parsing. */
export const BODY_LIMIT_BYTES = 100 * 1024;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Options for creating the app, shared by main and the e2e tests. Nest's own body parsers are off:
 * Fastify's JSON parser is the only one, so form or text bodies get 415 (JSON in, JSON out).
 */
export const APP_OPTIONS = { bodyParser: false } as const satisfies NestApplicationOptions;

/** The HTTP adapter, shared by main and the e2e tests (Fastify options can only be set here). */
export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
}

/** The OpenAPI document of the whole API; operation ids are the handler names. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('cognito-accounts')
    .setDescription(
      'Account lifecycle on AWS Cognito User Pools: invite-only signup with our own activation email, ' +
        'activation by choosing a password, and self-service email change.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
}

/** Everything main.ts and the e2e tests both need on top of the module graph. */
export function configureApp(app: NestFastifyApplication): void {
  const { logLevel } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  app.useLogger(LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(logLevel) + 1));
  app.enableShutdownHooks();
  // The document is built on the first request for it, not at boot.
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
