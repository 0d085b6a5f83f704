import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { CaptchaGuard } from './captcha.guard';
import { CAPTCHA_HEADER } from './captcha';

/**
 * Marks a public route that starts Cognito work: the CAPTCHA (CaptchaGuard) and its header, and the
 * route's 503 (SERVICE_BUSY from AdmissionControl, which MailRequests asks before queueing, and
 * CAPTCHA_UNAVAILABLE), with Retry-After. A missing or refused token is the route's 400.
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
    ApiResponse({
      status: 503,
      type: ErrorResponseDto,
      description:
        'Also SERVICE_BUSY (over the global budget of these routes or the job queue over its ceiling: the same answer for every address) and CAPTCHA_UNAVAILABLE (the CAPTCHA provider did not answer)',
    }),
  );
