import { Injectable, Logger } from '@nestjs/common';
import { Revocations } from '../../auth/revocations';
import { Clock } from '../../common/clock';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AccountEvents } from '../../events/account-events';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import type { MailContexts, MailTemplate } from '../../mail/mail.types';
import { AddressRegistry } from '../address-registry';

/** A notice's context: none for the notices that need nothing. */
type ContextArgument<T extends MailTemplate> =
  MailContexts[T] extends Record<string, never> ? [] : [context: MailContexts[T]];

/** Who asked: the account's own user (nobody named), or an admin, named in the audit line. */
export interface Actor {
  admin?: string;
}

/** The account's `sub`, which Cognito always returns: revocation marks are keyed by it. */
export function subOf(account: Pick<Account, 'username' | 'sub'>): string {
  if (!account.sub) throw new Error(`Cognito returned no sub for ${account.username}`);
  return account.sub;
}

/**
 * What happens to an account whoever asks: the signed-in user (`/accounts/me/…`), an admin
 * (`/admin/…`) or a flow (a password reset, an email restore). Callers differ only in who may ask
 * and what they answer; the steps, their order, the notice and the audit line are written here once.
 */
@Injectable()
export class AccountLifecycleService {
  private readonly logger = new Logger(AccountLifecycleService.name);

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly revocations: Revocations,
    private readonly addresses: AddressRegistry,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly events: AccountEvents,
  ) {}

  /**
   * Tells the app's own systems (webhooks, EventBridge: docs/events.md) of a change Cognito has just
   * accepted. One line in the flow, after its Cognito call: `await this.lifecycle.announce(type, account)`.
   */
  announce(...event: Parameters<AccountEvents['publish']>): Promise<void> {
    return this.events.publish(...event);
  }

  /**
   * Ends every session: Cognito's global sign-out first, then the revocation mark (this service
   * verifies access tokens locally, so only the mark refuses them at once, on every instance).
   *
   * In this order a failed sign-out changes nothing and the caller's retry works; the reverse order
   * would refuse the caller's token while the refresh tokens still work. And a token minted between
   * the two steps can only come from a new sign-in (the refresh tokens are dead by then), so the mark,
   * taken after the sign-out, refuses too much rather than too little. The mark is on the service's
   * clock, the one every time decision here asks (real time in production, where Cognito's `iat`
   * comes from too; tests move it).
   */
  async endSessions(account: Pick<Account, 'username' | 'sub'>): Promise<void> {
    await this.cognito.signOutEverywhere(account.username);
    await this.revocations.revokeAll(subOf(account), this.clock.now());
  }

  /** Signs the user out everywhere, and tells them. */
  async signOut(username: string, { admin }: Actor = {}): Promise<void> {
    const account = await this.cognito.getAccount(username);
    await this.endSessions(account);
    this.audit.record('sessions.revoked', { username, admin });
    await this.announce('account.sessions_revoked', account);
    await this.notify(account, 'sessions-ended');
  }

  /**
   * The Cognito user goes, with every session; the notice goes to the address the account had.
   * Under the account's lock, so a confirmation or restore in flight never interleaves with it. The
   * user first: should that fail, nothing has changed and the caller's token still works for the retry.
   */
  delete(username: string, { admin }: Actor = {}): Promise<void> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username);
      await this.cognito.deleteAccount(username);
      await this.revocations.revokeAll(subOf(account), this.clock.now());
      this.audit.record('account.deleted', { username, admin });
      await this.announce('account.deleted', account);
      await this.notify(account, 'account-deleted');
    });
  }

  /** The account cannot sign in, every session ends, and this service refuses its tokens at once. */
  async disable(username: string, { admin }: Actor = {}): Promise<void> {
    const account = await this.cognito.getAccount(username);
    await this.endSessions(account);
    await this.cognito.disable(username);
    this.audit.record('account.disabled', { username, admin });
    await this.announce('account.disabled', account);
  }

  /** A disabled account may sign in again (anew: its old tokens stay refused). */
  async enable(username: string, { admin }: Actor = {}): Promise<void> {
    await this.cognito.enable(username);
    this.audit.record('account.enabled', { username, admin });
    await this.announce('account.enabled', () => this.cognito.getAccount(username));
  }

  /**
   * A notice about what has already happened: its failure must not turn the outcome into an error
   * the user would retry, so it is logged for operators instead.
   */
  async notify<T extends MailTemplate>(
    account: Pick<Account, 'username' | 'email' | 'locale'>,
    template: T,
    ...[context]: ContextArgument<T>
  ): Promise<void> {
    if (!account.email) return;
    try {
      await this.mail.send<T>({
        to: account.email,
        template,
        locale: account.locale,
        context: context ?? ({} as MailContexts[T]),
      });
      this.audit.record('notice.sent', { username: account.username, notice: template });
    } catch (error) {
      this.logger.warn(`The ${template} notice not sent for ${account.username}: ${(error as Error).name}`);
    }
  }
}
