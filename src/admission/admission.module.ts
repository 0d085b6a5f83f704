import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AdmissionBudget } from './admission-budget';
import { AdmissionControl } from './admission-control';
import { CaptchaVerifier } from './captcha';
import { CaptchaGuard } from './captcha.guard';
import { QueueCeiling } from './queue-ceiling';

/** Admission control of the public routes that start Cognito work (CaptchaGuard at the door, AdmissionControl before a job is queued). */
@Module({
  providers: [AdmissionBudget, AdmissionControl, CaptchaGuard, CaptchaVerifier, QueueCeiling, Clock],
  exports: [AdmissionControl, CaptchaGuard, CaptchaVerifier],
})
export class AdmissionModule {}
