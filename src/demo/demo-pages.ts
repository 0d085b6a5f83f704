import type { ConfigType } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { passwordRules } from '../accounts/password/password-rules';
import { cognitoConfig } from '../config/configuration';

export const DEMO_PREFIX = '/demo';

/** What the account page needs to sign in through the frontend client. All of it is public. */
export interface DemoPagesConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  cognitoEndpoint: string;
  /** The pool's password policy in plain words, shown before the user types. */
  passwordRules: string;
}

export function demoPagesConfig(cognito: ConfigType<typeof cognitoConfig>): DemoPagesConfig {
  return {
    region: cognito.region,
    userPoolId: cognito.userPoolId,
    // Only the frontend client: the backend client's id stays on the server.
    clientId: cognito.frontendClientId,
    cognitoEndpoint: cognito.endpoint ?? `https://cognito-idp.${cognito.region}.amazonaws.com/`,
    passwordRules: passwordRules(),
  };
}

/**
 * Serves the demo pages and their `config.json` under /demo/, and leads `/` to their index. These are
 * Fastify routes, not Nest controllers: outside the access-token guard (so public) and outside the
 * OpenAPI document.
 */
export function serveDemoPages(app: NestFastifyApplication): void {
  const config = demoPagesConfig(app.get<ConfigType<typeof cognitoConfig>>(cognitoConfig.KEY));
  app.useStaticAssets({
    root: join(__dirname, 'public'),
    prefix: DEMO_PREFIX,
    index: 'index.html',
    // `/demo` → `/demo/`, so the pages' relative links resolve.
    redirect: true,
    decorateReply: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(`${DEMO_PREFIX}/config.json`, () => Promise.resolve(config));
  fastify.get('/', (_request, reply) => reply.redirect(`${DEMO_PREFIX}/`, 302));
}
