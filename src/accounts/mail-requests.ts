import { Injectable } from '@nestjs/common';
import { AdmissionControl } from '../admission/admission-control';
import type { JobDefinition } from '../jobs/job';
import { JobQueue } from '../jobs/job-queue';
import { MailBudget, type MailKind } from '../rate-limit/mail-budget';

/**
 * A request that mails an address someone typed in: counted against the mailbox's mail budget,
 * then handed to its job. Over the public budget nothing is queued, and the caller answers as usual.
 */
@Injectable()
export class MailRequests {
  constructor(
    private readonly budget: MailBudget,
    private readonly queue: JobQueue,
    private readonly admission: AdmissionControl,
  ) {}

  /**
   * A public request's job: admitted first (the global budget and the queue ceiling, the same for
   * every address; ServiceBusyError beyond them), then queued unless the mailbox's budget is spent.
   * Says whether it queued.
   */
  async enqueue<Payload extends object>(
    kind: MailKind,
    address: string,
    job: JobDefinition<Payload>,
    payload: Payload,
  ): Promise<boolean> {
    await this.admission.admit();
    if (!(await this.budget.allow(kind, address))) return false;
    await this.queue.enqueue(job, payload);
    return true;
  }

  /**
   * Queues the job a signed-in account asks for, counted in the mailbox's signed-in lane (see
   * MailBudget): anonymous floods cannot spend it; over it the caller gets a 429, never silence.
   */
  async enqueueSignedIn<Payload extends object>(
    kind: MailKind,
    address: string,
    job: JobDefinition<Payload>,
    payload: Payload,
  ): Promise<void> {
    await this.budget.allowSignedIn(kind, address);
    await this.queue.enqueue(job, payload);
  }

  /** Counts one mail sent without a request of its own (a notice from a job); false over the budget. */
  allow(kind: MailKind, address: string): Promise<boolean> {
    return this.budget.allow(kind, address);
  }
}
