import type { NestApplicationOptions } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { addEventWebhooks, EVENT_MODELS } from './events/openapi-webhooks';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Logger as Pino } from 'pino';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { appConfig, cognitoConfig, demoConfig, type TrustProxy } from './config/configuration';
import { serveDemoPages } from './demo/demo-pages';
import { limitConnectionsPerClient } from './common/connections-per-client';
import { addBodyResponses } from './common/api-responses';
import { errorResponse } from './common/dto/error-response.dto';
import { serveFavicon } from './common/favicon';
import { BEARER_DESCRIPTION, SWAGGER_UI_OPTIONS } from './common/swagger-ui';
import { parseJsonBody } from './common/json-body';
import { apiHeaders, pageHeaders } from './common/security-headers';
import { PINO } from './logging/logging.module';
import { Metrics } from './metrics/metrics';
import { PinoLogger } from './logging/pino-logger';
import { requestContext } from './logging/request-context';

/** Bodies above this are refused with 413 before any parsing. */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** An incoming X-Request-Id is kept only if it looks like an id (it ends up in every log line). */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Options for creating the app, shared by main and the e2e tests. Nest's own body parsers are off:
 * Fastify's JSON parser is the only one, so form or text bodies get 415 (JSON in, JSON out). During
 * shutdown, new requests get 503 while those in flight finish.
 */
export const APP_OPTIONS = {
  bodyParser: false,
  bufferLogs: true,
  return503OnClosing: true,
} as const satisfies NestApplicationOptions;

/** How long a client may take, and how many connections it may hold: slow clients cannot pin the server. */
export interface HttpLimits {
  /** Until the request's headers are complete. */
  headersTimeoutMs: number;
  /** Until the whole request (headers and body) has arrived. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections over this are closed at once. */
  maxConnections: number;
  /** Connections from one client address over this are closed at once; 0 for no such limit. */
  maxConnectionsPerClient: number;
}

/**
 * Node checks the header and request timeouts on an interval (30 s by default, which would let a
 * slow client hold a connection three times the header timeout): check every second instead.
 */
function serverFactory(limits: HttpLimits) {
  return (handler: RequestListener) => {
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: 1_000,
      },
      handler,
    );
    server.maxConnections = limits.maxConnections;
    if (limits.maxConnectionsPerClient > 0) limitConnectionsPerClient(server, limits.maxConnectionsPerClient);
    return server;
  };
}

/**
 * The HTTP adapter, shared by main and the e2e tests (Fastify options can only be set here). Both
 * pass the environment's proxy trust and limits (`trustProxyFromEnvironment()`,
 * `httpLimitsFromEnvironment()`): the adapter exists before Nest's configuration does.
 */
export function createAdapter(trustProxy: TrustProxy = false, limits?: HttpLimits): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy,
    ...(limits ? { serverFactory: serverFactory(limits) } : {}),
    // Fastify answers a malformed URL (`/%zz`) itself, quoting the whole path back: answer our own
    // short body instead (these never reach Nest's exception filter).
    frameworkErrors: (_error: Error, _request: unknown, reply: FastifyReply) => {
      void reply.code(400).send(errorResponse(400, 'The URL is malformed'));
    },
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
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
    // 3.1: the first version with `webhooks`, where the event catalogue is published.
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: BEARER_DESCRIPTION })
    .build();
  return addEventWebhooks(
    addBodyResponses(
      SwaggerModule.createDocument(app, config, {
        operationIdFactory: (_controller, method) => method,
        extraModels: EVENT_MODELS,
      }),
    ),
  );
}

/** Where browsers may send requests from the pages this service serves (Swagger UI, demo pages). */
function connectSources(app: NestFastifyApplication): string[] {
  const { region, endpoint } = app.get<ConfigType<typeof cognitoConfig>>(cognitoConfig.KEY);
  return [
    "'self'",
    `https://cognito-idp.${region}.amazonaws.com`,
    ...(endpoint ? [new URL(endpoint).origin] : []),
  ];
}

/** Paths of the HTML this service serves; every other answer is JSON. */
const PAGES = /^\/(docs|demo)(\/|$)/;

/**
 * Per request: the request id (answered as X-Request-Id and carried by every log line written while
 * serving it) and the security headers, both precomputed. One hook, no middleware: the request
 * logging middleware and helmet's hooks this replaced cost most of the service's throughput.
 */
function addRequestHooks(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const api = apiHeaders();
  const pages = pageHeaders(connectSources(app));
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id).headers(PAGES.test(request.url) ? pages : api);
    requestContext.run({ requestId: request.id }, done);
  });
  const log = app.get<Pino>(PINO);
  if (log.isLevelEnabled('info')) {
    fastify.addHook('onResponse', (request, reply, done) => {
      // Method and path only: no headers, no body, and no query string (a demo page's carries a token).
      const req = { method: request.method, path: request.url.split('?')[0] };
      log.info(
        {
          requestId: request.id,
          req,
          res: { statusCode: reply.statusCode },
          responseTime: reply.elapsedTime,
        },
        'request completed',
      );
      done();
    });
  }
}

/**
 * Requests by method, route pattern and status, timed: one hook, added only when metrics are on, so
 * a service without them does no work per request. The route is Fastify's pattern
 * (`/accounts/signup`), never the URL; requests that match no route share `unmatched`.
 */
function addMetricsHook(app: NestFastifyApplication): void {
  const metrics = app.get<Metrics | null>(Metrics, { strict: false });
  if (!metrics) return;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.httpRequestDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
        reply.elapsedTime / 1000,
      );
      done();
    });
}

/** JSON bodies with depth and size bounds checked before anything else reads them. */
function useBoundedJsonParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Everything main.ts and the e2e tests both need on top of the module graph. */
export function configureApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(PinoLogger));
  addRequestHooks(app);
  addMetricsHook(app);
  useBoundedJsonParser(app);
  const { corsOrigins } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }
  // The document is built on the first request for it, not at boot.
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), SWAGGER_UI_OPTIONS);
  serveFavicon(app);
  if (app.get<ConfigType<typeof demoConfig>>(demoConfig.KEY).pagesEnabled) serveDemoPages(app);
  // Without the demo pages, the root leads to the API's documentation rather than a 404.
  else
    app
      .getHttpAdapter()
      .getInstance()
      .get('/', (_request, reply) => reply.redirect('/docs', 302));
}

/**
 * Stops taking requests, lets the ones in flight finish (a signup in progress still sends its
 * mail), and only then runs the modules' shutdown hooks that close the mail transport, the SDK
 * client and Redis. Nest's own order would close those first.
 */
export async function shutDownGracefully(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // A keep-alive connection whose request just finished would hold the close open until it times
  // out; drop each one as soon as it falls idle.
  const dropIdle = setInterval(() => fastify.server.closeIdleConnections(), 50);
  try {
    await fastify.close();
  } finally {
    clearInterval(dropIdle);
  }
  await app.close();
}
