import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { AccessTokenGuard } from './auth/access-token.guard';
import { AuthModule } from './auth/auth.module';
import { LiveTokenGuard } from './auth/live-token.guard';
import { CognitoModule } from './cognito/cognito.module';
import { LoggingModule } from './logging/logging.module';
import { CoordinationModule } from './coordination/coordination.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
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
    // Default deny: every route needs a frontend access token unless it is marked @Public().
    { provide: APP_GUARD, useExisting: AccessTokenGuard },
    // After authentication, so per-user limits know the user.
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    // Last: Cognito is asked about a write route's token only for a request within its limits whose
    // arguments are valid.
    { provide: APP_GUARD, useExisting: LiveTokenGuard },
  ],
})
export class AppModule {}
