import { Injectable } from '@nestjs/common';
import { DeadLetterNotFoundError } from '../common/errors';
import { AuditLog } from '../logging/audit-log';
import { AccountEvents } from './account-events';
import { DeadLetters } from './dead-letters';
import type { DeadLetterDto, DeadLetterListDto } from './dto/account-event.dto';

/** What the admin API does with dead letters: list them, replay one (audited). */
@Injectable()
export class EventReplays {
  constructor(
    private readonly deadLetters: DeadLetters,
    private readonly events: AccountEvents,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<DeadLetterListDto> {
    return { deadLetters: await this.deadLetters.list() };
  }

  /**
   * Taken out of the list first: two admins replaying at once queue it once. The same event id goes
   * out again, so a receiver that did get it after all drops the copy.
   */
  async replay(id: string, admin: string): Promise<DeadLetterDto> {
    const letter = await this.deadLetters.get(id);
    if (!letter || !(await this.deadLetters.remove(id))) throw new DeadLetterNotFoundError();
    await this.events.deliver(letter.event, letter.sink);
    this.audit.record('event.replayed', { admin, eventId: letter.event.id, sink: letter.sink });
    return letter;
  }
}
