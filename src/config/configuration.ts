import { registerAs } from '@nestjs/config';
import { EnvironmentVariables, validateEnvironment } from './env.validation';

/**
 * Typed slices of the validated environment. ConfigModule has validated process.env before these
 * factories run, so parsing again here only applies defaults and types; it cannot fail.
 */
const env = (): EnvironmentVariables => validateEnvironment(process.env);

export const appConfig = registerAs('app', () => {
  const { PORT, HOST, LOG_LEVEL } = env();
  return { port: PORT, host: HOST, logLevel: LOG_LEVEL };
});

export const cognitoConfig = registerAs('cognito', () => {
  const e = env();
  return {
    region: e.AWS_REGION,
    userPoolId: e.COGNITO_USER_POOL_ID,
    backendClientId: e.COGNITO_BACKEND_CLIENT_ID,
    frontendClientId: e.COGNITO_FRONTEND_CLIENT_ID,
    endpoint: e.COGNITO_ENDPOINT,
  };
});

export const mailConfig = registerAs('mail', () => {
  const e = env();
  return { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM };
});

export const linksConfig = registerAs('links', () => {
  const e = env();
  return {
    activation: e.ACTIVATION_URL,
    emailConfirmation: e.EMAIL_CONFIRMATION_URL,
    emailConfirmationTtlMs: e.EMAIL_CONFIRMATION_TTL_HOURS * 3_600_000,
  };
});

export const configSlices = [appConfig, cognitoConfig, mailConfig, linksConfig];
