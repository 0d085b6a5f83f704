import type { INestApplication } from '@nestjs/common';
import { JobQueue } from '../../src/jobs/job-queue';

/**
 * Waits until the app's queued jobs have all finished (run, or given up): for assertions about
 * what a job did not do, such as "no mail was sent". What a job did do is better awaited directly
 * (the mail that arrives).
 */
export async function jobsDone(app: INestApplication, timeoutMs = 20_000): Promise<void> {
  const queue = app.get(JobQueue);
  const deadline = Date.now() + timeoutMs;
  while ((await queue.depth()).waiting > 0) {
    if (Date.now() > deadline) throw new Error(`jobs still queued after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
