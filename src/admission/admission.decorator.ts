import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { CaptchaGuard } from './captcha.guard';
import { CAPTCHA_HEADER } from './captcha';

/**
 * Marks a public route that starts Cognito work: the CAPTCHA (CaptchaGuard) and its header. The
 * route's service queues through MailRequests, which asks AdmissionControl. Its refusals are the route's 400 (CAPTCHA_FAILED) and 503 (SERVICE_BUSY,
 * CAPTCHA_UNAVAILABLE), with Retry-After.
 */
export const Admission = () =>
  applyDecorators(
    UseGuards(CaptchaGuard),
    ApiHeader({
      name: CAPTCHA_HEADER,
      required: false,
      description:
        "The CAPTCHA widget's token (Cloudflare Turnstile or hCaptcha), required when the service has CAPTCHA_PROVIDER set; a missing or refused token answers 400 with code CAPTCHA_FAILED",
    }),
  );
