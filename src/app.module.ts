import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { CognitoModule } from './cognito/cognito.module';
import { LoggingModule } from './logging/logging.module';
import { CoordinationModule } from './coordination/coordination.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { validationPipe } from './common/validation';
import { AppConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    MetricsModule,
    CoordinationModule,
    JobsModule,
    AuthModule,
    CognitoModule,
    RateLimitModule,
    AccountsModule,
    HealthModule,
    AdminModule,
  ],
  providers: [
    {
      provide: APP_PIPE,
      useValue: validationPipe,
    },
    { provide: APP_FILTER, useClass: DomainExceptionFilter },
  ],
})
export class AppModule {}
