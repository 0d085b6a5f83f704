import { IsIn, IsOptional, IsString, IsUrl, MinLength, ValidateIf } from 'class-validator';
import { OptionalBool, OptionalInt } from './env.decorators';
import { EventVariables } from './events.env';

export const CAPTCHA_PROVIDERS = ['none', 'turnstile', 'hcaptcha'] as const;
export type CaptchaProvider = (typeof CAPTCHA_PROVIDERS)[number];

/**
 * The variables of admission control on the public routes that start Cognito work (signup, resend,
 * forgot password): a global budget, a queue-depth ceiling and an optional CAPTCHA. The service's
 * schema (EnvironmentVariables) extends this class.
 */
export class AdmissionVariables extends EventVariables {
  /** Whether the global budget and the queue ceiling apply (503 + Retry-After beyond them). */
  @OptionalBool()
  ADMISSION_ENABLED: boolean = true;

  /**
   * Percent of the Cognito quota (less COGNITO_QUOTA_MARGIN_PERCENT) the public routes may start
   * work for, all instances together; the rest stays free for signed-in users and admins.
   */
  @OptionalInt(1, 100)
  ADMISSION_QUOTA_SHARE_PERCENT: number = 50;

  /** The budget is counted over windows of this many seconds (a burst may use a whole window's). */
  @OptionalInt(1, 3_600)
  ADMISSION_WINDOW_SECONDS: number = 10;

  /** Beyond this many jobs waiting, the public routes answer 503 (readiness only reports it). */
  @OptionalInt(1, 10_000_000)
  ADMISSION_MAX_QUEUE_DEPTH: number = 1_000;

  /** Server-side CAPTCHA check on the public routes: Cloudflare Turnstile, hCaptcha, or none. */
  @IsOptional()
  @IsIn(CAPTCHA_PROVIDERS)
  CAPTCHA_PROVIDER: CaptchaProvider = 'none';

  /** The provider's secret key, required with a provider. */
  @ValidateIf((env: AdmissionVariables) => env.CAPTCHA_PROVIDER !== 'none')
  @IsString()
  @MinLength(8)
  CAPTCHA_SECRET?: string;

  /** The provider's siteverify endpoint; defaults to the provider's own (set it for tests). */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  CAPTCHA_VERIFY_URL?: string;

  /** How long the siteverify call may take before the route answers 503. */
  @OptionalInt(100, 30_000)
  CAPTCHA_TIMEOUT_MS: number = 3_000;
}
