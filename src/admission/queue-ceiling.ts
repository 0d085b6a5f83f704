import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { admissionConfig } from '../config/configuration';
import { JobQueue, type QueueDepth } from '../jobs/job-queue';

/** How long one reading of the queue's depth is used: SQS and Redis answer it over the network. */
export const DEPTH_READING_MS = 1_000;

/**
 * The queue-depth ceiling of the public routes: beyond ADMISSION_MAX_QUEUE_DEPTH waiting jobs they
 * answer 503, so a backlog stops growing at the door. Readiness does not fail for it (a load
 * balancer would take every instance out at once); it reports the depth instead.
 */
@Injectable()
export class QueueCeiling {
  private reading?: { at: number; depth: Promise<QueueDepth> };

  constructor(
    @Inject(admissionConfig.KEY) private readonly config: ConfigType<typeof admissionConfig>,
    private readonly clock: Clock,
    @Optional() private readonly queue?: JobQueue,
  ) {}

  get limit(): number {
    return this.config.maxQueueDepth;
  }

  /** The queue's depth, read at most once a second (undefined without a queue). */
  depth(): Promise<QueueDepth> | undefined {
    if (!this.queue) return undefined;
    const now = this.clock.now().getTime();
    if (this.reading && now - this.reading.at < DEPTH_READING_MS) return this.reading.depth;
    const depth = this.queue.depth();
    this.reading = { at: now, depth };
    // A failed reading is not reused.
    void depth.catch(() => {
      this.reading = undefined;
    });
    return depth;
  }

  async over(): Promise<boolean> {
    const depth = await this.depth();
    return depth !== undefined && depth.waiting > this.limit;
  }
}
