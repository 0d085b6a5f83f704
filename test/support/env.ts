import type { TestPool } from './cognito-pool';

export const TEST_MAIL_FROM = 'Cognito Accounts <no-reply@example.test>';
export const TEST_ACTIVATION_URL = 'https://app.example.test/activate?u={username}&t={token}';
export const TEST_CONFIRMATION_URL = 'https://app.example.test/confirm-email?u={username}&t={token}';
export const CONFIRMATION_LINK_PREFIX = 'https://app.example.test/confirm-email';
/** The part of an activation link before its query, for `linkFrom(mail.text, ACTIVATION_LINK_PREFIX)`. */
export const ACTIVATION_LINK_PREFIX = 'https://app.example.test/activate';
export const RESET_LINK_PREFIX = 'https://app.example.test/reset-password';
export const RESTORE_LINK_PREFIX = 'https://app.example.test/restore-email';

export interface TestEnvInput {
  /** moto's endpoint, e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
  pool: Pick<TestPool, 'userPoolId' | 'backendClientId' | 'frontendClientId'>;
  /** The SMTP sink's `url`. */
  smtpUrl: string;
  region?: string;
}

/** The environment variables the service needs to run against moto and the SMTP sink. */
export function testEnv({
  endpoint,
  pool,
  smtpUrl,
  region = 'eu-west-1',
}: TestEnvInput): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    COGNITO_USER_POOL_ID: pool.userPoolId,
    COGNITO_BACKEND_CLIENT_ID: pool.backendClientId,
    COGNITO_FRONTEND_CLIENT_ID: pool.frontendClientId,
    COGNITO_ENDPOINT: endpoint,
    // The emulator's keys: on AWS the service reads them from the issuer's URL.
    COGNITO_JWKS_URL: `${endpoint}/${pool.userPoolId}/.well-known/jwks.json`,
    SMTP_URL: smtpUrl,
    MAIL_FROM: TEST_MAIL_FROM,
    ACTIVATION_URL: TEST_ACTIVATION_URL,
    EMAIL_CONFIRMATION_URL: TEST_CONFIRMATION_URL,
    PASSWORD_RESET_URL: `${RESET_LINK_PREFIX}?u={username}&t={token}`,
    EMAIL_RESTORE_URL: `${RESTORE_LINK_PREFIX}?u={username}&t={token}`,
    LOG_LEVEL: 'warn',
    // Most specs send far more than a person would from one IP; the rate-limit spec turns this on.
    RATE_LIMIT_ENABLED: 'false',
    // Likewise the global budget of signup and forgot password; the flood spec turns it on.
    ADMISSION_ENABLED: 'false',
    // A job that meets an outage retries within the test's patience.
    JOB_BACKOFF_BASE_MS: '50',
    JOB_BACKOFF_MAX_MS: '500',
    // Specs that move the clock plant expired invitations: only the scheduled-repair spec runs it.
    ACCOUNT_REPAIR_INTERVAL_MINUTES: '0',
  };
}

/**
 * Sets `vars` on `process.env` (where ConfigModule reads them) and returns a function restoring the
 * previous values. Also drops AWS_PROFILE / AWS_SESSION_TOKEN so no real credentials leak in.
 */
export function applyEnv(vars: Record<string, string>): () => void {
  const keys = [...Object.keys(vars), 'AWS_PROFILE', 'AWS_SESSION_TOKEN'];
  const saved = new Map(keys.map((k) => [k, process.env[k]]));
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
