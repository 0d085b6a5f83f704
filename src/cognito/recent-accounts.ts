import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '../common/expiring-cache';
import type { Account } from './account';

/** How long a profile read may be answered from memory (GET /accounts/me). */
const RECENT_READ_MS = 5_000;
const RECENT_READS_KEPT = 10_000;

/**
 * Accounts read lately by this instance, kept by the gateway: every verb that changes an account
 * forgets the user's entry, so this instance never shows its own writes late.
 */
@Injectable()
export class RecentAccounts {
  private readonly reads = new ExpiringCache<Account>(RECENT_READS_KEPT);

  get(username: string): Account | undefined {
    return this.reads.get(username);
  }

  remember(account: Account): void {
    this.reads.set(account.username, account, Date.now() + RECENT_READ_MS);
  }

  forget(username: string): void {
    this.reads.delete(username);
  }
}
