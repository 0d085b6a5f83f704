import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { CaptchaFailedError, CaptchaUnavailableError } from '../common/errors';
import { admissionConfig } from '../config/configuration';

/** The request header that carries the widget's token (documented on each public route). */
export const CAPTCHA_HEADER = 'x-captcha-token';

/** The providers cap tokens at 2048 characters (Cloudflare Turnstile, server-side validation). */
const TOKEN_MAX = 2_048;

/**
 * The optional CAPTCHA check of the public routes, verified server-side against the provider's
 * siteverify endpoint: a form POST of `secret` and `response` answered by `{ "success": bool }`
 * (Cloudflare Turnstile and hCaptcha alike). Off by default. A provider that cannot be asked (down,
 * slow, an answer that is not its JSON) is a 503: nothing is let through unchecked, since an
 * attacker who can slow the verifier would otherwise switch the check off.
 */
@Injectable()
export class CaptchaVerifier {
  private readonly logger = new Logger('Captcha');

  constructor(@Inject(admissionConfig.KEY) private readonly config: ConfigType<typeof admissionConfig>) {}

  get enabled(): boolean {
    return this.config.captcha.provider !== 'none';
  }

  /** Throws CaptchaFailedError for a missing or refused token, CaptchaUnavailableError if unanswered. */
  async verify(token: string | undefined, remoteIp: string): Promise<void> {
    if (!this.enabled) return;
    if (!token || token.length > TOKEN_MAX) throw new CaptchaFailedError();
    const { secret, verifyUrl, timeoutMs } = this.config.captcha;
    let answer: unknown;
    try {
      const response = await fetch(verifyUrl, {
        method: 'POST',
        body: new URLSearchParams({ secret, response: token, remoteip: remoteIp }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`siteverify answered ${response.status}`);
      answer = await response.json();
    } catch (error) {
      this.logger.warn(
        `CAPTCHA provider not reachable: ${error instanceof Error ? error.message : 'unknown'}`,
      );
      throw new CaptchaUnavailableError({ cause: error });
    }
    if (
      typeof answer !== 'object' ||
      answer === null ||
      typeof (answer as { success?: unknown }).success !== 'boolean'
    ) {
      throw new CaptchaUnavailableError();
    }
    if (!(answer as { success: boolean }).success) throw new CaptchaFailedError();
  }
}
