import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../../common/clock';
import { EmailTakenError, InvalidRestoreLinkError, UserNotFoundError } from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { linksConfig } from '../../config/configuration';
import { AuditLog } from '../../logging/audit-log';
import { AddressRegistry } from '../address-registry';
import { buildLink } from '../links';
import { PasswordService } from '../password/password.service';
import { AccountLifecycleService } from '../lifecycle/account-lifecycle.service';
import { openEmailRestore, RESTORE_SPENT, sealEmailRestore } from './email-restore';

/** What the email-changed notice shows: the "this wasn't me" link and how long it works. */
export interface RestoreLink {
  restoreUrl: string;
  restoreDays: string;
}

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
    private readonly passwords: PasswordService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
  ) {}

  /** Stores the restore record for an account that just moved away from `oldEmail`, and makes its link. */
  async issueLink(username: string, oldEmail: string): Promise<RestoreLink> {
    const token = generateSecret();
    const expiresAt = new Date(this.clock.now().getTime() + this.links.emailRestoreTtlMs);
    await this.cognito.storeEmailRestore(username, sealEmailRestore(token, username, oldEmail, expiresAt));
    return {
      restoreUrl: buildLink(this.links.emailRestore, { username, token }),
      restoreDays: String(Math.round(this.links.emailRestoreTtlMs / 86_400_000)),
    };
  }

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
      await this.cleanUp(account);
      await this.mailResetLink(account, oldEmail);
      return { email: oldEmail };
    });
  }

  /**
   * The address is back by now and the link spent: a failure here must not become an error the user
   * retries in vain. "Forgot password?" sends the same link.
   */
  private async mailResetLink(account: Account, oldEmail: string): Promise<void> {
    try {
      await this.passwords.mailResetLink({ ...account, email: oldEmail }, oldEmail);
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
