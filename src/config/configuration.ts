import { registerAs } from '@nestjs/config';
import { coordinationStoreOf } from './coordination-store';
import { EnvironmentVariables, validateEnvironment } from './env.validation';
import { parseWebhookEndpoints } from './events.env';

type RawEnvironment = Record<string, unknown>;

/** Prometheus's customary exporter port, where the metrics listen unless METRICS_PORT says otherwise. */
const DEFAULT_METRICS_PORT = 9464;

/** The environment last validated, and the variables it was validated from. */
let validated: { fingerprint: string; env: EnvironmentVariables } | undefined;

const fingerprint = (raw: RawEnvironment): string =>
  JSON.stringify(
    Object.entries(raw)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

/**
 * ConfigModule's validate hook (config.module.ts): validates the whole environment, throwing one
 * error that lists every problem, and keeps the typed result for the slices below.
 */
export function validateConfiguration(raw: RawEnvironment): EnvironmentVariables {
  const env = validateEnvironment(raw);
  // ConfigModule then writes the defaults of the variables that were not set into process.env, so
  // the slices will see the environment with them: remember it as that.
  const defaults = Object.entries(env)
    .filter(([name, value]) => !(name in raw) && ['string', 'number', 'boolean'].includes(typeof value))
    .map(([name, value]): [string, string] => [name, String(value)]);
  validated = { fingerprint: fingerprint({ ...raw, ...Object.fromEntries(defaults) }), env };
  return env;
}

/**
 * The validated environment. Validated again only when the variables have changed since: the e2e
 * tests boot several apps with different variables in one process, where ConfigModule's hook runs
 * only for the first.
 */
function environment(): EnvironmentVariables {
  const current = fingerprint(process.env);
  if (validated?.fingerprint !== current) {
    validated = { fingerprint: current, env: validateEnvironment(process.env) };
  }
  return validated.env;
}

/** A typed slice of the validated environment, injected as `ConfigType<typeof slice>`. */
const slice = <T extends Record<string, unknown>>(name: string, read: (e: EnvironmentVariables) => T) =>
  registerAs(name, () => read(environment()));

export const appConfig = slice('app', (e) => ({
  port: e.PORT,
  host: e.HOST,
  logLevel: e.LOG_LEVEL,
  corsOrigins: e.CORS_ORIGINS?.split(',') ?? [],
}));

/**
 * Fastify's `trustProxy` from TRUST_PROXY. Read before Nest's application exists (the adapter is
 * made first), from the same validated environment.
 */
export const trustProxyFromEnvironment = (): TrustProxy => trustProxySetting(environment().TRUST_PROXY);

/** Fastify's `trustProxy`: none, the addresses/CIDRs listed, or the nearest N hops (`true` is refused at boot). */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export function trustProxySetting(value: string): TrustProxy {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',');
}

export const rateLimitConfig = slice('rateLimit', (e) => ({
  enabled: e.RATE_LIMIT_ENABLED,
  ipPerMinute: e.RATE_LIMIT_IP_PER_MINUTE,
  mailsPerAddressPerHour: e.RATE_LIMIT_TARGET_PER_HOUR,
  userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
  adminPerMinute: e.RATE_LIMIT_ADMIN_PER_MINUTE,
}));

/** Where state shared by every instance lives (locks, rate-limit counters, records): memory, Redis or DynamoDB. */
export const coordinationConfig = slice('coordination', (e) => ({
  store: coordinationStoreOf(e),
  redisUrl: e.REDIS_URL,
  table: e.COORDINATION_TABLE,
  region: e.AWS_REGION,
  addressClaimTtlMs: e.ADDRESS_CLAIM_MINUTES * 60_000,
  lockLeaseMs: e.LOCK_LEASE_MS,
}));

/** What AccessGuard asks of a sign-in beyond a valid token (`@Access({ recentSignIn })`). */
export const authConfig = slice('auth', (e) => ({
  recentSignInMaxAgeMs: e.RECENT_AUTH_MAX_AGE_MINUTES * 60_000,
}));

/** The job queue: QUEUE_ENGINE, else BullMQ on REDIS_URL when set, else in this process. */
export const jobsConfig = slice('jobs', (e) => ({
  engine: e.QUEUE_ENGINE ?? (e.REDIS_URL ? 'bullmq' : 'memory'),
  redisUrl: e.REDIS_URL,
  /** The SQS engine's queue (QUEUE_ENGINE=sqs), in the service's region. */
  queueUrl: e.JOBS_QUEUE_URL,
  region: e.AWS_REGION,
  concurrency: e.JOB_CONCURRENCY,
  lockMs: e.JOB_LOCK_MS,
  retry: {
    backoffBaseMs: e.JOB_BACKOFF_BASE_MS,
    backoffMaxMs: e.JOB_BACKOFF_MAX_MS,
    horizonMs: e.JOB_RETRY_HORIZON_HOURS * 3_600_000,
  },
}));

/** The HTTP server's limits; like TRUST_PROXY, read before Nest's application exists. */
export const httpLimitsFromEnvironment = () => {
  const e = environment();
  return {
    headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: e.HTTP_MAX_CONNECTIONS,
    maxConnectionsPerClient: e.HTTP_MAX_CONNECTIONS_PER_CLIENT,
  };
};

export const cognitoConfig = slice('cognito', (e) => ({
  region: e.AWS_REGION,
  userPoolId: e.COGNITO_USER_POOL_ID,
  backendClientId: e.COGNITO_BACKEND_CLIENT_ID,
  frontendClientId: e.COGNITO_FRONTEND_CLIENT_ID,
  endpoint: e.COGNITO_ENDPOINT,
  jwksUrl: e.COGNITO_JWKS_URL,
  timeoutMs: e.COGNITO_TIMEOUT_MS,
  maxAttempts: e.COGNITO_MAX_ATTEMPTS,
  quotas: e.COGNITO_QUOTAS,
  quotaMargin: e.COGNITO_QUOTA_MARGIN_PERCENT / 100,
}));

export const mailConfig = slice('mail', (e) => ({
  transport: e.MAIL_TRANSPORT,
  smtpUrl: e.SMTP_URL,
  from: e.MAIL_FROM,
  timeoutMs: e.SMTP_TIMEOUT_MS,
  ses: {
    region: e.AWS_REGION,
    configurationSet: e.SES_CONFIGURATION_SET,
    tags: parseTags(e.SES_TAGS),
  },
}));

/** `app=accounts,env=prod` as SES message tags. */
export const parseTags = (tags: string | undefined): { Name: string; Value: string }[] =>
  (tags?.split(',') ?? []).map((pair) => {
    const [Name = '', Value = ''] = pair.split('=');
    return { Name, Value };
  });

export const linksConfig = slice('links', (e) => ({
  activation: e.ACTIVATION_URL,
  activationTtlMs: e.ACTIVATION_TTL_HOURS * 3_600_000,
  emailConfirmation: e.EMAIL_CONFIRMATION_URL,
  emailConfirmationTtlMs: e.EMAIL_CONFIRMATION_TTL_HOURS * 3_600_000,
  passwordReset: e.PASSWORD_RESET_URL,
  passwordResetTtlMs: e.PASSWORD_RESET_TTL_MINUTES * 60_000,
  emailRestore: e.EMAIL_RESTORE_URL,
  emailRestoreTtlMs: e.EMAIL_RESTORE_TTL_DAYS * 86_400_000,
}));

/**
 * Prometheus metrics: collected when METRICS_ENABLED or METRICS_PORT is set, and served only on
 * their own port (METRICS_PORT, 9464 by default), never on the API's. Readiness limits live here too.
 */
export const operationsConfig = slice('operations', (e) => ({
  metricsEnabled: e.METRICS_ENABLED || e.METRICS_PORT !== undefined,
  metricsPort: e.METRICS_PORT ?? DEFAULT_METRICS_PORT,
  host: e.HOST,
}));

/** Admission control on the public routes that start Cognito work (admission.env.ts). */
export const admissionConfig = slice('admission', (e) => ({
  enabled: e.ADMISSION_ENABLED,
  quotaShare: e.ADMISSION_QUOTA_SHARE_PERCENT / 100,
  windowMs: e.ADMISSION_WINDOW_SECONDS * 1_000,
  maxQueueDepth: e.ADMISSION_MAX_QUEUE_DEPTH,
  captcha: {
    provider: e.CAPTCHA_PROVIDER,
    secret: e.CAPTCHA_SECRET ?? '',
    verifyUrl: e.CAPTCHA_VERIFY_URL ?? CAPTCHA_VERIFY_URLS[e.CAPTCHA_PROVIDER],
    timeoutMs: e.CAPTCHA_TIMEOUT_MS,
  },
}));

/** The providers' siteverify endpoints (Cloudflare Turnstile and hCaptcha server-side validation docs). */
const CAPTCHA_VERIFY_URLS = {
  none: '',
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
};

/** Who may use the admin API: members of one Cognito group. */
export const adminConfig = slice('admin', (e) => ({
  group: e.ADMIN_GROUP,
  repairEveryMs: e.ACCOUNT_REPAIR_INTERVAL_MINUTES * 60_000,
}));

/** Lifecycle events: the webhook receivers and their secrets, the EventBridge bus (docs/events.md). */
export const eventsConfig = slice('events', (e) => ({
  webhooks: e.WEBHOOK_ENDPOINTS
    ? parseWebhookEndpoints(e.WEBHOOK_ENDPOINTS, e.WEBHOOK_ALLOW_LOOPBACK_HTTP).endpoints
    : [],
  secrets: e.WEBHOOK_SECRETS?.split(',') ?? [],
  timeoutMs: e.WEBHOOK_TIMEOUT_MS,
  allowLoopbackHttp: e.WEBHOOK_ALLOW_LOOPBACK_HTTP,
  eventBus: e.EVENT_BUS_NAME,
  eventBridgeEndpoint: e.EVENTBRIDGE_ENDPOINT,
  region: e.AWS_REGION,
}));

export const demoConfig = slice('demo', (e) => ({ pagesEnabled: e.DEMO_PAGES }));

export const configSlices = [
  appConfig,
  cognitoConfig,
  mailConfig,
  linksConfig,
  rateLimitConfig,
  coordinationConfig,
  jobsConfig,
  authConfig,
  operationsConfig,
  admissionConfig,
  adminConfig,
  demoConfig,
  eventsConfig,
];
