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

/** How much to trust proxy headers for the client IP, in Fastify's `trustProxy` terms. */
export function trustProxySetting(value: string): boolean | number | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
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

export const configSlices = [appConfig, cognitoConfig, mailConfig, linksConfig, rateLimitConfig];
