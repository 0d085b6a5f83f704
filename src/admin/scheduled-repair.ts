import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { adminConfig } from '../config/configuration';
import { defineJob } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue';
import { AccountHealthService } from './account-health.service';

/** Run by `ScheduledRepair.run`, every ACCOUNT_REPAIR_INTERVAL_MINUTES on every engine. */
export const ACCOUNT_REPAIR_JOB = defineJob<Record<string, never>>('account-repair');

/**
 * The account-health repair on a schedule: expired invitations are removed without an admin asking,
 * so an address squatted by a stranger's signup frees itself once the activation link has expired.
 */
@Injectable()
export class ScheduledRepair implements OnApplicationBootstrap {
  private readonly logger = new Logger('AccountHealth');

  constructor(
    private readonly health: AccountHealthService,
    private readonly queue: JobQueue,
    @Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.repairEveryMs > 0)
      await this.queue.schedule(ACCOUNT_REPAIR_JOB, {}, this.config.repairEveryMs);
  }

  @JobHandler(ACCOUNT_REPAIR_JOB)
  async run(): Promise<void> {
    const { changed, failed } = await this.health.run('expired-invitations', 'schedule');
    if (changed.length > 0 || failed.length > 0) {
      this.logger.log(`Expired invitations: ${changed.length} removed, ${failed.length} failed`);
    }
  }
}
