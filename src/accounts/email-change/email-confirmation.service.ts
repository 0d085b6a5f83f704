import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { EmailTakenError, InvalidConfirmationLinkError, UserNotFoundError } from '../../common/errors';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AuditLog } from '../../logging/audit-log';
import { AddressRegistry } from '../address-registry';
import { AccountLifecycleService } from '../lifecycle/account-lifecycle.service';
import { EmailRestoreLinks, type RestoreLink } from './email-restore-links';
import { isSpent, openEmailChange, SPENT } from './pending-email-change';

/** Following an email change's confirmation link: the new address in, a notice to the old one. */
@Injectable()
export class EmailConfirmationService {
  private readonly logger = new Logger(EmailConfirmationService.name);

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly restoreLinks: EmailRestoreLinks,
    private readonly lifecycle: AccountLifecycleService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Swaps the address in when the link opens the pending change (its token, this account, this
   * address, not expired) and no activated account holds the address or was just given it: of two
   * confirmations for one address, the first wins and the second gets 409. Following the link proves
   * the mailbox, so an invitation of the address nobody activated is withdrawn (AddressRegistry.clearFor).
   */
  confirmEmailChange(username: string, token: string): Promise<{ email: string }> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) throw new InvalidConfirmationLinkError({ cause: error });
        throw error;
      });
      const pending = openEmailChange(account, token, this.clock.now());
      if (!pending || account.state !== 'active') {
        // Leftovers of a confirmation whose clean-up never ran: remove them now, quietly.
        if (isSpent(account)) await this.cleanUpPending(username);
        throw new InvalidConfirmationLinkError();
      }
      await this.addresses.withAddress(pending.email, async () => {
        if ((await this.addresses.clearFor(pending.email, username)).length > 0) throw new EmailTakenError();
        // One call makes the swap and spends the secret (a tombstone no token matches); a failure
        // before it changes nothing, and the link can be followed again.
        await this.cognito.applyEmailChange(username, pending.email, SPENT);
        await this.addresses.claim(pending.email, username);
      });
      this.audit.record('email-change.confirmed', { username });
      await this.lifecycle.announce('account.email_changed', account, {
        previousEmail: account.email ?? '',
        email: pending.email,
      });
      await this.cleanUpPending(username);
      await this.noticeToOldAddress(account, pending.email);
      return { email: pending.email };
    });
  }

  /**
   * The change is made and its secret spent by now; the leftovers are inert (an unreadable secret is
   * no pending change), so failing to remove them must not fail the confirmation the user would then
   * retry in vain. The next change request overwrites them, a cancel removes them.
   */
  private async cleanUpPending(username: string): Promise<void> {
    try {
      await this.cognito.clearPendingEmailChange(username);
    } catch (error) {
      this.logger.warn(`Pending-change attributes of ${username} left in place: ${(error as Error).name}`);
    }
  }

  /**
   * The change has happened by now, so a failure here must not turn it into an error the user
   * would retry (the link is spent). The notice carries a "this wasn't me" link when its record could
   * be stored, and goes without it otherwise.
   */
  private async noticeToOldAddress(account: Account, newEmail: string): Promise<void> {
    if (!account.email || account.email === newEmail) return;
    let restore: RestoreLink | undefined;
    try {
      restore = await this.restoreLinks.issue(account, account.email);
    } catch (error) {
      this.logger.warn(`No "this wasn't me" link for ${account.username}: ${(error as Error).name}`);
    }
    await this.lifecycle.notify(account, 'email-changed', { newEmail, ...restore });
  }
}
