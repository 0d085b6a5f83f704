import { registerAs } from '@nestjs/config';
import { EnvironmentVariables, validateEnvironment } from './env.validation';

/**
 * Typed slices of the validated environment. ConfigModule has validated process.env before these
 * factories run, so parsing again here only applies defaults and types; it cannot fail.
 */
const env = (): EnvironmentVariables => validateEnvironment(process.env);

export const appConfig = registerAs('app', () => {
  const { PORT, HOST, LOG_LEVEL, CORS_ORIGINS } = env();
  return { port: PORT, host: HOST, logLevel: LOG_LEVEL, corsOrigins: CORS_ORIGINS?.split(',') ?? [] };
});

/**
 * Fastify's `trustProxy` from TRUST_PROXY. Read before Nest's config exists (the adapter is made
 * first), so it validates the environment itself, with the same rules and message.
 */
export const trustProxyFromEnvironment = (): TrustProxy => trustProxySetting(env().TRUST_PROXY);

/** Fastify's `trustProxy`: all, none, the addresses/CIDRs listed, or the nearest N hops. */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export function trustProxySetting(value: string): TrustProxy {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',');
}

export const rateLimitConfig = registerAs('rateLimit', () => {
  const e = env();
  return {
    enabled: e.RATE_LIMIT_ENABLED,
    ipPerMinute: e.RATE_LIMIT_IP_PER_MINUTE,
    targetPerHour: e.RATE_LIMIT_TARGET_PER_HOUR,
    userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
    lockoutAttempts: e.LOCKOUT_ATTEMPTS,
    lockoutMs: e.LOCKOUT_MINUTES * 60_000,
    redisUrl: e.REDIS_URL,
  };
});

export const cognitoConfig = registerAs('cognito', () => {
  const e = env();
  return {
    region: e.AWS_REGION,
    userPoolId: e.COGNITO_USER_POOL_ID,
    backendClientId: e.COGNITO_BACKEND_CLIENT_ID,
    frontendClientId: e.COGNITO_FRONTEND_CLIENT_ID,
    endpoint: e.COGNITO_ENDPOINT,
    timeoutMs: e.COGNITO_TIMEOUT_MS,
    maxAttempts: e.COGNITO_MAX_ATTEMPTS,
  };
});

export const mailConfig = registerAs('mail', () => {
  const e = env();
  return { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, timeoutMs: e.SMTP_TIMEOUT_MS };
});

export const linksConfig = registerAs('links', () => {
  const e = env();
  return {
    activation: e.ACTIVATION_URL,
    emailConfirmation: e.EMAIL_CONFIRMATION_URL,
    emailConfirmationTtlMs: e.EMAIL_CONFIRMATION_TTL_HOURS * 3_600_000,
  };
});

export const demoConfig = registerAs('demo', () => ({ pagesEnabled: env().DEMO_PAGES }));

export const configSlices = [appConfig, cognitoConfig, mailConfig, linksConfig, rateLimitConfig, demoConfig];
