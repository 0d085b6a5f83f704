import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { rateLimitConfig } from '../config/configuration';
import { COUNTER_STORE, type CounterStore } from '../coordination/coordination.types';
import { MailBudget } from './mail-budget';
import { RateLimitGuard } from './rate-limit.guard';
import { throttlerOptions } from './throttlers';

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [rateLimitConfig.KEY, COUNTER_STORE],
      useFactory: (config: ConfigType<typeof rateLimitConfig>, counters: CounterStore) =>
        throttlerOptions(config, counters),
    }),
  ],
  providers: [MailBudget, RateLimitGuard],
  exports: [MailBudget, RateLimitGuard, ThrottlerModule],
})
export class RateLimitModule {}
