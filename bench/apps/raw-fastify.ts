import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import type { JsonWebKey } from 'node:crypto';

/*
 * The baselines: Fastify without Nest. GET /health, GET /hello and POST /email-schema (a JSON schema
 * alone) always; with BENCH_JWKS set, also the same access-token check the service makes
 * (aws-jwt-verify, keys handed over with cacheJwks) on GET /verified, and with the schema on POST /email.
 */

// The very Fastify the service runs on: resolved through Nest's adapter, so the version is the same.
const fastify = createRequire(require.resolve('@nestjs/platform-fastify'))(
  'fastify',
) as typeof import('fastify').fastify;

const EMAIL_BODY = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: { email: { type: 'string', format: 'email', maxLength: 254 } },
} as const;

async function addVerifiedRoutes(app: FastifyInstance, jwks: { keys: JsonWebKey[] }): Promise<void> {
  const { CognitoJwtVerifier } = await import('aws-jwt-verify');
  const verifier = CognitoJwtVerifier.create({
    userPoolId: process.env.COGNITO_USER_POOL_ID ?? '',
    clientId: process.env.COGNITO_FRONTEND_CLIENT_ID ?? '',
    tokenUse: 'access',
  });
  verifier.cacheJwks(jwks as Parameters<typeof verifier.cacheJwks>[0]);
  const usernames = new WeakMap<FastifyRequest, string>();
  const verify = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = (request.headers.authorization ?? '').replace(/^Bearer +/i, '');
    try {
      usernames.set(request, (await verifier.verify(token)).username);
    } catch (error) {
      await reply.code(401).send({ message: error instanceof Error ? error.message : 'invalid token' });
    }
  };
  app.get('/verified', { preValidation: verify }, (request) => ({
    username: usernames.get(request),
  }));
  app.post('/email', { preValidation: verify, schema: { body: EMAIL_BODY } }, (_request, reply) =>
    reply.code(202).send({ message: 'accepted' }),
  );
}

async function main(): Promise<void> {
  const app = fastify();
  app.get('/health', () => ({ status: 'ok' }));
  app.get('/hello', () => ({ hello: 'world' }));
  // The same JSON schema without a token: what a 400 for an invalid body costs Fastify alone.
  app.post('/email-schema', { schema: { body: EMAIL_BODY } }, (_request, reply) =>
    reply.code(202).send({ message: 'accepted' }),
  );
  const jwks = process.env.BENCH_JWKS;
  if (jwks) await addVerifiedRoutes(app, JSON.parse(jwks) as { keys: JsonWebKey[] });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}

void main();
