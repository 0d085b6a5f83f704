import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { operationsConfig } from '../config/configuration';
import { Metrics } from './metrics';
import { MetricsServer } from './metrics-server';

/**
 * Prometheus metrics. `Metrics` is null while they are off: whoever counts something injects it
 * with @Optional() and skips the work (`this.metrics?.…`), so a service without metrics pays nothing.
 */
@Global()
@Module({
  providers: [
    {
      provide: Metrics,
      inject: [operationsConfig.KEY],
      useFactory: ({ metricsEnabled }: ConfigType<typeof operationsConfig>) =>
        metricsEnabled ? new Metrics() : null,
    },
    MetricsServer,
  ],
  exports: [Metrics],
})
export class MetricsModule {}
