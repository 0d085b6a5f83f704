import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { EmailTakenError, InvalidRestoreLinkError, UserNotFoundError } from '../../common/errors';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AuditLog } from '../../logging/audit-log';
import { AddressRegistry } from '../address-registry';
import { AccountLifecycleService } from '../lifecycle/account-lifecycle.service';
import { PasswordResetLinks } from '../password/password-reset-links';
import { openEmailRestore, RESTORE_SPENT } from './email-restore';

/**
 * "This wasn't me": the email-changed notice to the old address carries a single-use link that puts
 * that address back (if nobody else took it meanwhile), ends every session, and mails a reset link to
 * the old address, so whoever changed it loses the account again.
 */
@Injectable()
export class EmailRestoreService {
  private readonly logger = new Logger(EmailRestoreService.name);

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly resetLinks: PasswordResetLinks,
    private readonly lifecycle: AccountLifecycleService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Puts the old address back. Under the account's lock, then the old address's: of a restore and
   * another account's claim on the address, one wins, the other gets 409.
   */
  async restoreEmail(username: string, token: string): Promise<{ email: string }> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) return undefined;
        throw error;
      });
      const oldEmail = account && openEmailRestore(account, token, this.clock.now());
      if (!account || !oldEmail || account.state !== 'active') {
        throw new InvalidRestoreLinkError();
      }
      await this.addresses.withAddress(oldEmail, async () => {
        if ((await this.addresses.holders(oldEmail, username)).length > 0) throw new EmailTakenError();
        // Sessions end first: should a later step fail, the link still works and the retry does it
        // all again; whoever changed the address is signed out either way.
        await this.lifecycle.endSessions(account);
        // One call puts the address back and spends the link.
        await this.cognito.restoreEmail(username, oldEmail, RESTORE_SPENT);
        await this.addresses.claim(oldEmail, username);
      });
      this.audit.record('email-change.restored', { username });
      await this.lifecycle.announce('account.email_restored', account, {
        previousEmail: account.email ?? '',
        email: oldEmail,
      });
      await this.cleanUp(account);
      await this.mailResetLink({ ...account, email: oldEmail });
      return { email: oldEmail };
    });
  }

  /**
   * The address is back by now and the link spent: a failure here must not become an error the user
   * retries in vain. "Forgot password?" sends the same link.
   */
  private async mailResetLink(account: Account): Promise<void> {
    try {
      await this.lifecycle.notify(account, 'password-reset', await this.resetLinks.issue(account));
    } catch (error) {
      this.logger.warn(`No reset link after the restore for ${account.username}: ${(error as Error).name}`);
    }
  }

  /** The spent record and any pending change: inert leftovers, so a failure here is only logged. */
  private async cleanUp(account: Account): Promise<void> {
    try {
      await this.cognito.clearEmailRestore(account.username);
      await this.cognito.clearPendingEmailChange(account.username, account);
    } catch (error) {
      this.logger.warn(`Restore leftovers of ${account.username} left in place: ${(error as Error).name}`);
    }
  }
}
