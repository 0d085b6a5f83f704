import { Injectable, Logger } from '@nestjs/common';
import { InvitationsService } from '../accounts/signup/invitations.service';
import { sortByOwnership } from '../accounts/address-registry';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors';
import type { Account } from '../cognito/account';
import { CognitoGateway } from '../cognito/cognito-gateway';
import { AuditLog } from '../logging/audit-log';
import { AdminView } from './admin-view';
import type {
  AccountReportDto,
  DuplicateEmailDto,
  RepairChangeDto,
  RepairKind,
  RepairResultDto,
} from './dto/account-report.dto';

const hasPendingChange = (account: Account) =>
  account.pendingEmail !== undefined || account.pendingEmailSecret !== undefined;

/**
 * The account-health report (one scan of every account) and its safe repairs. A repair acts only on
 * what a fresh scan finds, one account at a time, and reports each change and each failure.
 */
@Injectable()
export class AccountHealthService {
  private readonly logger = new Logger('AccountHealth');

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly invitations: InvitationsService,
    private readonly view: AdminView,
    private readonly audit: AuditLog,
  ) {}

  async report(): Promise<AccountReportDto> {
    const accounts = await this.cognito.listAll();
    const now = this.view.now();
    return {
      generatedAt: now.toISOString(),
      accounts: accounts.length,
      expiredInvitations: this.expiredInvitations(accounts, now).map((account) => ({
        username: account.username,
        email: account.email ?? null,
        expiredAt: this.invitations.expiresAt(account).toISOString(),
      })),
      unverifiedActive: accounts
        .filter((account) => account.state === 'active' && !account.emailVerified)
        .map(({ username, email }) => ({ username, email: email ?? null })),
      duplicateEmails: this.duplicates(accounts).map(([email, holders]): DuplicateEmailDto => ({
        email,
        holders: holders.map((account) => ({
          username: account.username,
          state: this.view.stateOf(account, now),
        })),
      })),
      expiredEmailChanges: this.expiredEmailChanges(accounts, now).map((account) => ({
        username: account.username,
        pendingEmail: account.pendingEmail || null,
        expiredAt: this.view.pendingExpiresAt(account)?.toISOString() ?? null,
      })),
    };
  }

  /** An admin's repair. */
  repair(admin: Principal, kind: RepairKind): Promise<RepairResultDto> {
    return this.run(kind, admin.username);
  }

  /**
   * Runs one repair on a fresh scan; `by` is the admin's username, or `schedule`. Expired
   * invitations are looked for among invited accounts only (one ListUsers filter).
   */
  async run(kind: RepairKind, by: string): Promise<RepairResultDto> {
    const accounts = await this.cognito.listAll(kind === 'expired-invitations' ? { invited: true } : {});
    const now = this.view.now();
    const result: RepairResultDto = { kind, changed: [], failed: [] };
    /** `work` answers false when a fresh read finds nothing to change any more. */
    const attempt = async (
      username: string,
      action: RepairChangeDto['action'],
      work: () => Promise<unknown>,
    ) => {
      try {
        if ((await work()) === false) return;
        result.changed.push({ username, action });
        this.audit.record('admin.repaired', { username, admin: by, repair: kind, action });
      } catch (error) {
        if (!(error instanceof DomainError)) this.logger.error(`repair ${kind} of ${username} failed`, error);
        result.failed.push({ username, code: error instanceof DomainError ? error.code : 'UNEXPECTED' });
      }
    };
    switch (kind) {
      case 'expired-invitations':
        for (const account of this.expiredInvitations(accounts, now)) {
          await attempt(account.username, 'deleted', () => this.invitations.withdrawExpired(account));
        }
        break;
      case 'duplicate-emails':
        for (const [, holders] of this.duplicates(accounts)) {
          const [owner] = sortByOwnership(holders);
          // Only accounts nobody activated: an active account is a person's, never removed here.
          for (const extra of holders.filter((account) => account !== owner && account.state === 'invited')) {
            await attempt(extra.username, 'deleted', () => this.cognito.deleteAccount(extra.username));
          }
        }
        break;
      case 'expired-email-changes':
        for (const account of this.expiredEmailChanges(accounts, now)) {
          await attempt(account.username, 'pending-change-cleared', () =>
            this.cognito.clearPendingEmailChange(account.username, account),
          );
        }
        break;
    }
    return result;
  }

  private expiredInvitations(accounts: Account[], now: Date): Account[] {
    return accounts.filter((account) => this.view.stateOf(account, now) === 'invitation-expired');
  }

  /** Addresses (lower-cased) held by more than one account, with their holders. */
  private duplicates(accounts: Account[]): [string, Account[]][] {
    const byEmail = new Map<string, Account[]>();
    for (const account of accounts) {
      if (!account.email) continue;
      const email = account.email.toLowerCase();
      byEmail.set(email, [...(byEmail.get(email) ?? []), account]);
    }
    return [...byEmail].filter(([, holders]) => holders.length > 1);
  }

  /** Pending changes whose link has expired, or whose secret was spent or is unreadable. */
  private expiredEmailChanges(accounts: Account[], now: Date): Account[] {
    return accounts.filter((account) => {
      if (!hasPendingChange(account)) return false;
      const expiresAt = this.view.pendingExpiresAt(account);
      return !expiresAt || now >= expiresAt;
    });
  }
}
