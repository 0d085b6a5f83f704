import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AdmissionBudget } from './admission-budget';
import { AdmissionGuard } from './admission.guard';
import { CaptchaVerifier } from './captcha';
import { QueueCeiling } from './queue-ceiling';

/** Admission control of the public routes that start Cognito work (see AdmissionGuard). */
@Module({
  providers: [AdmissionBudget, AdmissionGuard, CaptchaVerifier, QueueCeiling, Clock],
  exports: [AdmissionBudget, AdmissionGuard, CaptchaVerifier, QueueCeiling],
})
export class AdmissionModule {}
