import { cpSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from './servers.mts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Out of the linted tree, beside other tools' caches; bench/apps/tsconfig.json compiles the baselines here.
const BUILD = `${ROOT}node_modules/.cache/cognito-accounts-bench/`;
/** The service as `nest build` made it, copied so that a rebuild in the tree cannot pull it away mid-run. */
export const SERVICE_DIR = `${BUILD}service`;
const APPS_DIR = `${BUILD}apps`;
/** The bundle copied to another path, as a new container gets it: only the compile cache it shipped with. */
const NEW_CONTAINER_DIR = `${BUILD}new-container`;
const SHIPPED_CACHE = `${BUILD}shipped-compile-cache`;

/** The names the report uses for the three kinds of server. */
export const SERVICE = 'service';
export const BARE_NEST = 'bare Nest + Fastify';
export const RAW_FASTIFY = 'raw Fastify';

export const ACTIVATION_PREFIX = 'http://bench.invalid/activate';
export const CONFIRMATION_PREFIX = 'http://bench.invalid/confirm-email';

/** Where the service finds Cognito and which pool and app clients it uses. */
export interface CognitoTarget {
  endpoint: string;
  region: string;
  userPoolId: string;
  backendClientId: string;
  frontendClientId: string;
}

/** Copies `dist/` (the service) aside; fails when the build or the compiled baseline apps are missing. */
export function snapshotServiceBuild(): void {
  for (const file of [
    `${ROOT}dist/main.js`,
    `${ROOT}dist/bundle/main.mjs`,
    `${APPS_DIR}/bare-nest.js`,
    `${APPS_DIR}/bare-nest-validation.js`,
    `${APPS_DIR}/raw-fastify.js`,
  ]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run the bench with npm run bench`);
  }
  rmSync(SERVICE_DIR, { recursive: true, force: true });
  cpSync(`${ROOT}dist`, SERVICE_DIR, { recursive: true });
  for (const dir of [NEW_CONTAINER_DIR, SHIPPED_CACHE]) rmSync(dir, { recursive: true, force: true });
  cpSync(`${ROOT}dist/bundle`, NEW_CONTAINER_DIR, { recursive: true });
  cpSync(`${ROOT}dist/bundle/compile-cache`, SHIPPED_CACHE, { recursive: true });
}

/** Only what a server needs: no AWS profile or session of the person running the bench. */
const baseEnv = (port: number) => ({ PATH: process.env.PATH ?? '', PORT: String(port) });

/** The service with Node's compile cache switched off: no cache at all, not even the bundle's own. */
export const SERVICE_WITHOUT_COMPILE_CACHE = `${SERVICE} (compile cache off)`;
/** The production build: `npm run bundle`'s dist/bundle/main.mjs (esbuild, one ES module). */
export const SERVICE_BUNDLE = `${SERVICE} (bundle)`;
export const SERVICE_BUNDLE_WITHOUT_COMPILE_CACHE = `${SERVICE_BUNDLE} (compile cache off)`;
/**
 * The bundle's first start in a new container: at another path than where `npm run bundle` filled its
 * compile cache, with that cache only (put back before every start).
 */
export const SERVICE_BUNDLE_NEW_CONTAINER = `${SERVICE_BUNDLE} (new container)`;

export interface ServiceOptions {
  compileCache?: boolean;
  /** Run dist/bundle/main.mjs instead of dist/main.js. */
  bundled?: boolean;
  /** The bundle as a new container starts it (SERVICE_BUNDLE_NEW_CONTAINER); implies `bundled`. */
  newContainer?: boolean;
  /** More environment (queue engine, quotas...). */
  env?: Record<string, string>;
  /** Another copy of `dist/` to run (bench/ab.mts), under this name. */
  build?: { dir: string; name: string };
}

/**
 * The service, `node main.js`, configured by its environment alone, quiet (LOG_LEVEL=warn) and
 * unthrottled. It enables Node's compile cache itself (dist/main.js in the OS temp dir, the bundle in
 * its own `compile-cache/`); `compileCache: false` switches that off.
 */
export function serviceSpec(
  cognito: CognitoTarget,
  smtpUrl: string,
  { compileCache = true, bundled = false, newContainer = false, env = {}, build }: ServiceOptions = {},
): ServerSpec {
  const name = build?.name ?? (bundled || newContainer ? SERVICE_BUNDLE : SERVICE);
  const dir = build?.dir ?? SERVICE_DIR;
  const script = newContainer
    ? `${NEW_CONTAINER_DIR}/main.mjs`
    : bundled
      ? `${dir}/bundle/main.mjs`
      : `${dir}/main.js`;
  return {
    name: newContainer ? SERVICE_BUNDLE_NEW_CONTAINER : compileCache ? name : `${name} (compile cache off)`,
    script,
    ...(newContainer ? { prepare: shippedCacheOnly } : {}),
    env: (port) => ({
      ...baseEnv(port),
      ...(compileCache ? {} : { NODE_DISABLE_COMPILE_CACHE: '1' }),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ENABLED: 'false',
      AWS_REGION: cognito.region,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      COGNITO_ENDPOINT: cognito.endpoint,
      // Not derived from the endpoint any more (on AWS the keys live at the issuer's URL).
      COGNITO_JWKS_URL: `${cognito.endpoint}/${cognito.userPoolId}/.well-known/jwks.json`,
      COGNITO_USER_POOL_ID: cognito.userPoolId,
      COGNITO_BACKEND_CLIENT_ID: cognito.backendClientId,
      COGNITO_FRONTEND_CLIENT_ID: cognito.frontendClientId,
      SMTP_URL: smtpUrl,
      MAIL_FROM: 'cognito-accounts bench <no-reply@example.com>',
      ACTIVATION_URL: `${ACTIVATION_PREFIX}?u={username}&t={token}`,
      EMAIL_CONFIRMATION_URL: `${CONFIRMATION_PREFIX}?u={username}&t={token}`,
      PASSWORD_RESET_URL: 'https://app.example.com/reset-password?u={username}&t={token}',
      EMAIL_RESTORE_URL: 'https://app.example.com/restore-email?u={username}&t={token}',
      ...env,
    }),
  };
}

/** Puts the new container's compile cache back to what the bundle shipped with. */
function shippedCacheOnly(): void {
  rmSync(`${NEW_CONTAINER_DIR}/compile-cache`, { recursive: true, force: true });
  cpSync(SHIPPED_CACHE, `${NEW_CONTAINER_DIR}/compile-cache`, { recursive: true });
}

/** The smallest NestJS + Fastify app with GET /health (bench/apps/bare-nest.ts). */
export const bareNestSpec: ServerSpec = {
  name: BARE_NEST,
  script: `${APPS_DIR}/bare-nest.js`,
  env: baseEnv,
};

export const BARE_NEST_VALIDATION = 'bare Nest + Fastify + ValidationPipe';

/** Bare Nest with Nest's ValidationPipe and one class-validator DTO (bench/apps/bare-nest-validation.ts). */
export const bareNestValidationSpec: ServerSpec = {
  name: BARE_NEST_VALIDATION,
  script: `${APPS_DIR}/bare-nest-validation.js`,
  env: baseEnv,
};

/** Fastify alone (bench/apps/raw-fastify.ts); with `jwks`, also its access-token routes. */
export function rawFastifySpec(
  cognito?: Pick<CognitoTarget, 'userPoolId' | 'frontendClientId'>,
  jwks?: object,
): ServerSpec {
  return {
    name: RAW_FASTIFY,
    script: `${APPS_DIR}/raw-fastify.js`,
    env: (port) => ({
      ...baseEnv(port),
      ...(cognito && jwks
        ? {
            COGNITO_USER_POOL_ID: cognito.userPoolId,
            COGNITO_FRONTEND_CLIENT_ID: cognito.frontendClientId,
            BENCH_JWKS: JSON.stringify(jwks),
          }
        : {}),
    }),
  };
}
