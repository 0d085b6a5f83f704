import { Global, Inject, Module, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { jobsConfig } from '../config/configuration';
import { Metrics } from '../metrics/metrics';
import type * as BullMqEngine from './bullmq-queue';
import { InProcessJobQueue } from './in-process-queue';
import { JobFailures } from './job-failures';
import { JobHandlerExplorer } from './job-handler.explorer';
import { JobHandlers, JobQueue } from './job-queue';
import { RetryPolicy } from './retry-policy';
import type * as SqsEngine from './sqs-queue';

/**
 * The job queue, one engine per deployment (QUEUE_ENGINE): BullMQ on Redis (jobs shared by every
 * instance and kept across restarts; the default with REDIS_URL), SQS (on Lambda, run by the worker
 * handler), else in this process. Features enqueue on JobQueue and mark their handlers with
 * `@JobHandler(...)`; neither knows the engine.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobHandlers,
    JobHandlerExplorer,
    JobFailures,
    Clock,
    {
      provide: RetryPolicy,
      inject: [jobsConfig.KEY],
      useFactory: ({ retry }: ConfigType<typeof jobsConfig>) => new RetryPolicy(retry),
    },
    {
      provide: JobQueue,
      inject: [jobsConfig.KEY, JobHandlers, RetryPolicy, JobFailures, Clock],
      // Engines are loaded when chosen: bullmq and the SQS client cost ~25 MiB and ~70 ms of boot
      // each, and a process runs one engine. Plain requires, so that esbuild still bundles them.
      /* eslint-disable @typescript-eslint/no-require-imports */
      useFactory: (
        config: ConfigType<typeof jobsConfig>,
        handlers: JobHandlers,
        policy: RetryPolicy,
        failures: JobFailures,
        clock: Clock,
      ): JobQueue => {
        switch (config.engine) {
          case 'sqs': {
            const { SqsJobQueue } = require('./sqs-queue') as typeof SqsEngine;
            // Run by the Lambda worker (src/lambda.ts), not in this process.
            return new SqsJobQueue({ queueUrl: config.queueUrl!, region: config.region });
          }
          case 'bullmq': {
            const { BullMqJobQueue } = require('./bullmq-queue') as typeof BullMqEngine;
            return new BullMqJobQueue(handlers, policy, failures, {
              redisUrl: config.redisUrl!,
              concurrency: config.concurrency,
              lockMs: config.lockMs,
            });
          }
          case 'memory':
            return new InProcessJobQueue(handlers, policy, failures, config.concurrency, Date.now, () =>
              clock.now().getTime(),
            );
        }
      },
      /* eslint-enable @typescript-eslint/no-require-imports */
    },
  ],
  exports: [JobQueue, JobHandlers, RetryPolicy, JobFailures],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    @Optional() @Inject(Metrics) private readonly metrics: Metrics | null,
  ) {}

  /** The queue's depth and oldest job's age, read at scrape time when metrics are on. */
  onModuleInit(): void {
    this.metrics?.observeQueue(() => this.queue.depth());
  }
}
