import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { CAPTCHA_HEADER, CaptchaVerifier } from './captcha';

interface DoorRequest {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The CAPTCHA at the door of the public routes that start Cognito work, after the per-IP limit (the
 * global guard) and before the body is read, so a request without a valid token costs neither the
 * global budget (AdmissionControl) nor any work about its address.
 */
@Injectable()
export class CaptchaGuard implements CanActivate {
  constructor(private readonly captcha: CaptchaVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<DoorRequest>();
    const token = request.headers[CAPTCHA_HEADER];
    await this.captcha.verify(typeof token === 'string' ? token : undefined, request.ip);
    return true;
  }
}
