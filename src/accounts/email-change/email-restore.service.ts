import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { EmailTakenError, InvalidRestoreLinkError, UserNotFoundError } from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AuditLog } from '../../logging/audit-log';
import { AddressRegistry } from '../address-registry';
import { AccountLifecycleService } from '../lifecycle/account-lifecycle.service';
import { PasswordResetLinks } from '../password/password-reset-links';
import { openEmailRestore, RESTORE_SPENT } from './email-restore';

/**
 * The unknown password a restore sets: 384 random bits, far above the pool's minimum length
 * (provisioning/user-pool.definition.ts), with every character class a policy can ask for.
 */
const PASSWORD_LENGTH = 64;

/**
 * "This wasn't me": the email-changed notice to the address an account left carries a single-use
 * link that puts back the address the account had before the first change of a chain
 * (email-restore.ts), and hands the account to that mailbox alone: the password becomes one nobody
 * knows, two-step sign-in is turned off, every session ends, a reset link goes to the restored
 * address and a notice to the address left. docs/security.md ("Account recovery policy").
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
   * Puts the origin address back. Under the account's lock, then the origin's: of a restore and
   * another account's claim on the address, one wins, the other gets 409 (before anything changed).
   *
   * The order makes every step before the link is spent safe to run twice, so a failure half-way
   * answers an error and the same link redoes it all: first the password (from then on nobody can
   * sign in anew, so no session can start behind the next steps), then two-step sign-in off (an
   * authenticator enrolled with a stolen session stops being asked for), then every session ends
   * (Cognito's sign-out, then this service's mark), and only then one call puts the address back and
   * spends the link. Stopped anywhere before that, whoever held the account has lost it and the
   * link's holder retries; after it, the owner's mailbox is the account's, so a lost reset mail is
   * one "Forgot password?" away.
   */
  async restoreEmail(username: string, token: string): Promise<{ email: string }> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) return undefined;
        throw error;
      });
      const origin = account && openEmailRestore(account, token, this.clock.now());
      if (!account || !origin || account.state !== 'active') {
        throw new InvalidRestoreLinkError();
      }
      await this.addresses.withAddress(origin, async () => {
        // An unactivated invitation on the address is withdrawn (the owner proved the mailbox once).
        if ((await this.addresses.clearFor(origin, username)).length > 0) throw new EmailTakenError();
        await this.cognito.setPassword(username, generateSecret(PASSWORD_LENGTH));
        await this.cognito.turnOffMfa(username);
        await this.lifecycle.endSessions(account);
        await this.cognito.restoreEmail(username, origin, RESTORE_SPENT);
        await this.addresses.claim(origin, username);
      });
      this.audit.record('email-change.restored', { username });
      await this.lifecycle.announce('account.email_restored', account, {
        previousEmail: account.email ?? '',
        email: origin,
      });
      await this.cleanUp(account);
      await this.mailResetLink({ ...account, email: origin });
      if (account.email !== origin) await this.lifecycle.notify(account, 'email-restored');
      return { email: origin };
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
