import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  KEYED_LOCK,
  RECORD_STORE,
  type KeyedLock,
  type RecordStore,
} from '../coordination/coordination.types';
import type { AccountEvent } from './account-event';

/** An event one sink never took within the retry horizon, kept for an admin to replay. */
export interface DeadLetter {
  id: string;
  sink: string;
  event: AccountEvent;
  attempts: number;
  /** Why the last attempt failed: an error's name and code, never a receiver's answer or URL. */
  reason: string;
  deadLetteredAt: string;
}

const INDEX = 'events:dead-letters';
const letterKey = (id: string) => `events:dead-letter:${id}`;
/** Long enough for an operator back from a holiday; the list is bounded too. */
const KEPT_MS = 30 * 86_400_000;
const MAX_KEPT = 1_000;

/**
 * The dead letters of event deliveries, in the coordination store (so every instance lists the same
 * ones): one record per letter and one index of their ids, changed under a lock.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger('Events');

  constructor(
    @Inject(RECORD_STORE) private readonly records: RecordStore,
    @Inject(KEYED_LOCK) private readonly lock: KeyedLock,
  ) {}

  async add(letter: Omit<DeadLetter, 'id'>): Promise<DeadLetter> {
    const stored: DeadLetter = { id: randomUUID(), ...letter };
    await this.records.put(letterKey(stored.id), JSON.stringify(stored), KEPT_MS);
    await this.changeIndex((ids) => {
      const kept = [...ids, stored.id];
      if (kept.length > MAX_KEPT) this.logger.error(`Over ${MAX_KEPT} dead letters: the oldest dropped`);
      return kept.slice(-MAX_KEPT);
    });
    return stored;
  }

  /** Oldest first; letters whose record expired are left out. */
  async list(): Promise<DeadLetter[]> {
    const letters = await Promise.all((await this.ids()).map((id) => this.get(id)));
    return letters.filter((letter): letter is DeadLetter => letter !== undefined);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const raw = await this.records.get(letterKey(id));
    return raw ? (JSON.parse(raw) as DeadLetter) : undefined;
  }

  /** Takes a letter out of the list; false when another admin's replay took it first. */
  async remove(id: string): Promise<boolean> {
    let removed = false;
    await this.changeIndex((ids) => {
      removed = ids.includes(id);
      return ids.filter((other) => other !== id);
    });
    // The store has no delete: an expired-at-once record reads as gone.
    if (removed) await this.records.put(letterKey(id), '', 1);
    return removed;
  }

  private async ids(): Promise<string[]> {
    const raw = await this.records.get(INDEX);
    return raw ? (JSON.parse(raw) as string[]) : [];
  }

  private changeIndex(change: (ids: string[]) => string[]): Promise<void> {
    return this.lock.run(INDEX, async () => {
      await this.records.put(INDEX, JSON.stringify(change(await this.ids())), KEPT_MS);
    });
  }
}
