import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, ValidateIf } from 'class-validator';
import {
  InRegionOfAwsRegion,
  LINK_TEMPLATE,
  OptionalBool,
  OptionalInt,
  TrustedProxies,
  WithinRequestTimeout,
} from './env.decorators';
import { SharedWhereSeveralProcesses, type CoordinationStoreEngine } from './coordination-store';
import { AdmissionVariables } from './admission.env';
import { validateVariables } from './validate-variables';

/** Every environment variable the service reads. Validated once at boot. */
export class EnvironmentVariables extends AdmissionVariables {
  @OptionalInt(0, 65535)
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HOST: string = '0.0.0.0';

  @IsString()
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'AWS_REGION must look like eu-west-1' })
  AWS_REGION: string;

  @IsString()
  @Matches(/^[\w-]+_[0-9a-zA-Z]+$/, { message: 'COGNITO_USER_POOL_ID must look like eu-west-1_AbCdEf123' })
  @InRegionOfAwsRegion()
  COGNITO_USER_POOL_ID: string;

  @IsString()
  @Matches(/^[\w+]+$/, { message: 'COGNITO_BACKEND_CLIENT_ID must be an app client id' })
  COGNITO_BACKEND_CLIENT_ID: string;

  @IsString()
  @Matches(/^[\w+]+$/, { message: 'COGNITO_FRONTEND_CLIENT_ID must be an app client id' })
  COGNITO_FRONTEND_CLIENT_ID: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  COGNITO_ENDPOINT?: string;

  /**
   * Where to read the pool's signing keys, for emulators only. Unset, they come from the issuer's
   * URL on AWS even when COGNITO_ENDPOINT is set: a VPC or FIPS endpoint serves no JWKS.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  COGNITO_JWKS_URL?: string;

  /** How mail leaves: an SMTP server (the default), or Amazon SES v2 with the AWS credentials. */
  @IsOptional()
  @IsIn(['smtp', 'ses'])
  MAIL_TRANSPORT: 'smtp' | 'ses' = 'smtp';

  @ValidateIf((env: EnvironmentVariables) => env.MAIL_TRANSPORT !== 'ses')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['smtp', 'smtps'] })
  SMTP_URL?: string;

  /** SES configuration set every message is sent with (event publishing, IP pool, suppression). */
  @IsOptional()
  @Matches(/^[\w-]{1,64}$/, { message: 'SES_CONFIGURATION_SET must be 1 to 64 letters, digits, _ or -' })
  SES_CONFIGURATION_SET?: string;

  /** SES message tags on every message, e.g. `app=accounts,env=prod`. */
  @IsOptional()
  @Matches(/^[\w.-]{1,256}=[\w.-]{1,256}(,[\w.-]{1,256}=[\w.-]{1,256})*$/, {
    message: 'SES_TAGS must look like app=accounts,env=prod (letters, digits, _ . -)',
  })
  SES_TAGS?: string;

  @IsString()
  @IsNotEmpty()
  MAIL_FROM: string;

  @Matches(LINK_TEMPLATE, {
    message: 'ACTIVATION_URL must be an http(s) URL containing {username} and {token}',
  })
  ACTIVATION_URL: string;

  /** How long an activation link works. */
  @OptionalInt(1, 720)
  ACTIVATION_TTL_HOURS: number = 168;

  @Matches(LINK_TEMPLATE, {
    message: 'EMAIL_CONFIRMATION_URL must be an http(s) URL containing {username} and {token}',
  })
  EMAIL_CONFIRMATION_URL: string;

  @OptionalInt(1, 720)
  EMAIL_CONFIRMATION_TTL_HOURS: number = 24;

  @Matches(LINK_TEMPLATE, {
    message: 'PASSWORD_RESET_URL must be an http(s) URL containing {username} and {token}',
  })
  PASSWORD_RESET_URL: string;

  /** How long a password-reset link works. */
  @OptionalInt(5, 1_440)
  PASSWORD_RESET_TTL_MINUTES: number = 60;

  @Matches(LINK_TEMPLATE, {
    message: 'EMAIL_RESTORE_URL must be an http(s) URL containing {username} and {token}',
  })
  EMAIL_RESTORE_URL: string;

  /**
   * How long the "this wasn't me" link in the email-changed notice works: the window in which the
   * previous mailbox can take the account back (docs/security.md, "Account recovery policy").
   */
  @OptionalInt(1, 90)
  EMAIL_RESTORE_TTL_DAYS: number = 3;

  /** Serves the demo pages (activate, confirm email, account) under /demo/. */
  @OptionalBool()
  DEMO_PAGES: boolean = false;

  /** Per Cognito API call, before the SDK retries it (adaptive retries, COGNITO_MAX_ATTEMPTS in all). */
  @OptionalInt(100, 60_000)
  COGNITO_TIMEOUT_MS: number = 5_000;

  @OptionalInt(1, 10)
  COGNITO_MAX_ATTEMPTS: number = 3;

  /** Connecting to, greeting and talking with the SMTP server, each. */
  @OptionalInt(100, 120_000)
  SMTP_TIMEOUT_MS: number = 10_000;

  /**
   * Which proxies' X-Forwarded-For to believe for the client IP: false, a small hop count (1 behind one
   * load balancer), or the proxies' addresses/CIDRs (see TrustedProxies for what is refused).
   */
  @IsOptional()
  @IsString()
  @TrustedProxies()
  TRUST_PROXY: string = 'false';

  /** Browser origins allowed to call the API (CORS), comma-separated; none by default. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com',
  })
  CORS_ORIGINS?: string;

  @OptionalBool()
  RATE_LIMIT_ENABLED: boolean = true;

  /** Requests per client IP (an IPv6 client per /64) per minute to the public routes and writes, together. */
  @OptionalInt(1, 100_000)
  RATE_LIMIT_IP_PER_MINUTE: number = 30;

  /**
   * Mails per mailbox (case and `+tag` folded) per hour, every kind together, in each of two lanes:
   * the public routes (beyond it: 202, nothing sent) and signed-in requests (beyond it: 429).
   */
  @OptionalInt(1, 100_000)
  RATE_LIMIT_TARGET_PER_HOUR: number = 10;

  /** Authenticated writes per user per minute. */
  @OptionalInt(1, 100_000)
  RATE_LIMIT_USER_PER_MINUTE: number = 10;

  /** Admin API requests per admin per minute. */
  @OptionalInt(1, 100_000)
  RATE_LIMIT_ADMIN_PER_MINUTE: number = 60;

  /** The Cognito group whose members may use the admin API. */
  @IsOptional()
  @Matches(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, { message: 'ADMIN_GROUP must be a Cognito group name' })
  ADMIN_GROUP: string = 'admin';

  /**
   * How often expired invitations are removed (the account-health repair on a schedule); 0 turns the
   * schedule off. On Lambda the template's RepairIntervalMinutes sets the schedule rule.
   */
  @OptionalInt(0, 10_080)
  ACCOUNT_REPAIR_INTERVAL_MINUTES: number = 60;

  /** Shares rate limits, locks, records and (by default) the job queue between instances. Required by QUEUE_ENGINE=bullmq. */
  @ValidateIf(
    (env: EnvironmentVariables) =>
      env.QUEUE_ENGINE === 'bullmq' || env.COORDINATION_STORE === 'redis' || env.REDIS_URL !== undefined,
  )
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['redis', 'rediss'] })
  REDIS_URL?: string;

  /**
   * Where locks, rate-limit counters and short-lived records shared by every instance live. Default:
   * redis with REDIS_URL, else dynamodb with COORDINATION_TABLE, else memory (one process only).
   */
  @ValidateIf(() => true)
  @SharedWhereSeveralProcesses()
  COORDINATION_STORE?: CoordinationStoreEngine;

  /** The DynamoDB table of the coordination store (partition key `pk`, TTL attribute `expiresAt`). */
  @ValidateIf(
    (env: EnvironmentVariables) =>
      env.COORDINATION_STORE === 'dynamodb' || env.COORDINATION_TABLE !== undefined,
  )
  @Matches(/^[\w.-]{3,255}$/, { message: 'COORDINATION_TABLE must be a DynamoDB table name' })
  COORDINATION_TABLE?: string;

  /** How many processes serve this deployment side by side (containers, replicas); over 1 needs a shared store. */
  @OptionalInt(1, 10_000)
  INSTANCE_COUNT: number = 1;

  /** How recent a sign-in must be to change the email address or delete the account. */
  @OptionalInt(1, 1_440)
  RECENT_AUTH_MAX_AGE_MINUTES: number = 10;

  /** How long the record of an address just given to an account is kept: longer than ListUsers can lag. */
  @OptionalInt(1, 1_440)
  ADDRESS_CLAIM_MINUTES: number = 10;

  /** Overrides of Cognito's per-category request quotas (per second), e.g. `UserCreation=40,UserList=20`. */
  @IsOptional()
  @Matches(/^[A-Za-z]+=\d+(\.\d+)?(,[A-Za-z]+=\d+(\.\d+)?)*$/, {
    message: 'COGNITO_QUOTAS must look like UserCreation=40,UserList=20',
  })
  COGNITO_QUOTAS?: string;

  /** Percent of each Cognito quota left to the account's other apps. */
  @OptionalInt(0, 90)
  COGNITO_QUOTA_MARGIN_PERCENT: number = 20;

  /** Where jobs wait: in this process, BullMQ on REDIS_URL, or SQS. Default: bullmq with REDIS_URL, else memory. */
  @IsOptional()
  @IsIn(['memory', 'bullmq', 'sqs'])
  QUEUE_ENGINE?: 'memory' | 'bullmq' | 'sqs';

  /** The SQS queue of the jobs, e.g. `https://sqs.eu-west-1.amazonaws.com/123456789012/accounts-jobs`. */
  @ValidateIf((env: EnvironmentVariables) => env.QUEUE_ENGINE === 'sqs')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  JOBS_QUEUE_URL?: string;

  /** Jobs run at once per instance. */
  @OptionalInt(1, 100)
  JOB_CONCURRENCY: number = 4;

  /** First retry delay of a failed job; each retry doubles it up to JOB_BACKOFF_MAX_MS. */
  @OptionalInt(10, 3_600_000)
  JOB_BACKOFF_BASE_MS: number = 1_000;

  @OptionalInt(10, 86_400_000)
  JOB_BACKOFF_MAX_MS: number = 900_000;

  /** With a shared store: a lock whose instance died is free again after this long; its holder renews it. */
  @OptionalInt(500, 600_000)
  LOCK_LEASE_MS: number = 30_000;

  /** With Redis: a job whose instance died is taken over by another after this long. */
  @OptionalInt(500, 600_000)
  JOB_LOCK_MS: number = 30_000;

  /** How long a job keeps retrying (a mail outage, say) before it goes to the dead-letter list. */
  @OptionalInt(1, 168)
  JOB_RETRY_HORIZON_HOURS: number = 24;

  /** Until a request's headers must have arrived. */
  @OptionalInt(1_000, 600_000)
  @WithinRequestTimeout()
  HTTP_HEADERS_TIMEOUT_MS: number = 10_000;

  /** Until a whole request must have arrived. */
  @OptionalInt(1_000, 600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  @OptionalInt(100, 600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 5_000;

  /** Open connections per instance; more are closed at once. */
  @OptionalInt(1, 1_000_000)
  HTTP_MAX_CONNECTIONS: number = 1_000;

  /** Open connections per client address (the socket's peer: behind a proxy, the proxy); 0 for none. */
  @OptionalInt(0, 1_000_000)
  HTTP_MAX_CONNECTIONS_PER_CLIENT: number = 100;

  /** Serves GET /metrics (Prometheus) on a port of its own (METRICS_PORT); off by default. */
  @OptionalBool()
  METRICS_ENABLED: boolean = false;

  /** The metrics' own port (a small HTTP server of its own; 0 picks a free one); implies METRICS_ENABLED. */
  @OptionalInt(0, 65535)
  METRICS_PORT?: number;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

/** ConfigModule's validate hook: returns the typed, defaulted variables or throws one error listing every problem. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  return validateVariables(EnvironmentVariables, raw);
}
