import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { UserNotFoundError } from '../common/errors';
import type { Account } from '../cognito/account';
import { CognitoGateway } from '../cognito/cognito-gateway';
import { coordinationConfig } from '../config/configuration';
import { AuditLog } from '../logging/audit-log';
import {
  KEYED_LOCK,
  RECORD_STORE,
  type KeyedLock,
  type RecordStore,
} from '../coordination/coordination.types';

/**
 * Which accounts hold an address, without trusting ListUsers to be current: "ListUsers is eventually
 * consistent ... to validate the existence of a user, use AdminGetUser" (Cognito API reference).
 *
 * - Every flow that gives an account an address (signup, activation, email change and its
 *   confirmation, admin invitations) runs under the address's lock, shared by every instance.
 * - Each time an address is given, a short-lived record says to whom (ADDRESS_CLAIM_MINUTES, longer
 *   than ListUsers lags); holders are ListUsers' accounts plus the recorded one.
 * - Each candidate is read again with AdminGetUser, and counts only if it still has the address:
 *   decisions on an account's state are never taken on ListUsers' copy.
 * - An address belongs to whoever proves its mailbox: an invitation nobody activated never keeps it
 *   from an activated account that proves it (`clearFor`), and is withdrawn instead.
 */
@Injectable()
export class AddressRegistry {
  constructor(
    private readonly cognito: CognitoGateway,
    @Inject(KEYED_LOCK) private readonly lock: KeyedLock,
    @Inject(RECORD_STORE) private readonly records: RecordStore,
    @Inject(coordinationConfig.KEY) private readonly config: ConfigType<typeof coordinationConfig>,
    private readonly audit: AuditLog,
  ) {}

  /** Runs `work` holding the address's lock (across instances with REDIS_URL). */
  withAddress<T>(email: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(`address:${email}`, work);
  }

  /** Runs `work` holding the account's lock: its confirmation and its cancel never interleave. */
  withAccount<T>(username: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(`account:${username}`, work);
  }

  /**
   * The accounts whose email is `email` now, each read consistently; the owner first. `except` (the
   * account asking) is left out without being read.
   */
  async holders(email: string, except?: string): Promise<Account[]> {
    const [listed, claimed] = await Promise.all([
      this.cognito.listAll({ email }),
      this.records.get(this.key(email)),
    ]);
    const usernames = new Set([...listed.map((account) => account.username), ...(claimed ? [claimed] : [])]);
    if (except) usernames.delete(except);
    const accounts = await Promise.all([...usernames].map((username) => this.read(username)));
    return sortByOwnership(accounts.filter((account): account is Account => account?.email === email));
  }

  /** Records that `username` was just given `email`, for as long as ListUsers may not show it. */
  claim(email: string, username: string): Promise<void> {
    return this.records.put(this.key(email), username, this.config.addressClaimTtlMs);
  }

  /**
   * Makes way for `username`, an activated account that has just proved the mailbox of `email` (a
   * confirmation or restore link mailed there was followed), and returns who still keeps the address
   * from it: the activated (or disabled) holders. When there are none, every invitation of the address
   * nobody activated is withdrawn, without a word to its owner: whoever reads the mailbox can sign up
   * again. Call it holding the address's lock (`withAddress`).
   */
  async clearFor(email: string, username: string): Promise<Account[]> {
    const holders = await this.holders(email, username);
    const keeping = holders.filter(keepsAddress);
    if (keeping.length > 0) return keeping;
    for (const invited of holders) await this.withdraw(invited.username, email, 'address-proven');
    return [];
  }

  /**
   * Deletes an invited account if, read again right now, nobody has activated it, it still has
   * `email`, and `stillDue` (if given) holds. Call it holding the lock of `email`: activation gives
   * the address under that lock too, so the account cannot be activated between this read and the
   * delete (and the delete is fenced by the lease). True when it was withdrawn.
   */
  async withdraw(
    username: string,
    email: string,
    reason: 'address-proven' | 'expired',
    stillDue: (account: Account) => boolean = () => true,
  ): Promise<boolean> {
    const account = await this.read(username);
    if (account?.state !== 'invited' || account.email !== email || !stillDue(account)) return false;
    await this.cognito.deleteAccount(username).catch((error: unknown) => {
      if (!(error instanceof UserNotFoundError)) throw error;
    });
    this.audit.record('invitation.withdrawn', { username, reason });
    return true;
  }

  private read(username: string): Promise<Account | undefined> {
    return this.cognito.getAccount(username).catch((error: unknown) => {
      if (error instanceof UserNotFoundError) return undefined;
      throw error;
    });
  }

  private key(email: string): string {
    return `address:${email}`;
  }
}

/** Whether a holder keeps its address from an account proving the mailbox: anyone who activated. */
export const keepsAddress = (account: Account): boolean => account.state !== 'invited';

/**
 * The account that owns an address when several hold it (an old race): an activated one first, else
 * the oldest, ties broken by username, so every instance picks the same one.
 */
export function sortByOwnership(accounts: Account[]): Account[] {
  const invited = (account: Account) => Number(account.state === 'invited');
  return [...accounts].sort(
    (a, b) =>
      invited(a) - invited(b) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.username.localeCompare(b.username),
  );
}
