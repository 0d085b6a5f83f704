import { Injectable, Logger } from '@nestjs/common';
import { Revocations } from '../../auth/revocations';
import { Clock } from '../../common/clock';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import type { MailContexts } from '../../mail/mail.types';
import { AddressRegistry } from '../address-registry';

/** The account's `sub`, which Cognito always returns: revocation marks are keyed by it. */
export function subOf(account: Pick<Account, 'username' | 'sub'>): string {
  if (!account.sub) throw new Error(`Cognito returned no sub for ${account.username}`);
  return account.sub;
}

/** Notices that need nothing in their context. */
type PlainNotice = {
  [T in keyof MailContexts]: MailContexts[T] extends Record<string, never> ? T : never;
}[keyof MailContexts];

/**
 * Ending sessions and accounts. Cognito's global sign-out stops refresh tokens, and Cognito refuses
 * the user's access tokens from then on; but this service verifies access tokens locally, so it also
 * leaves a revocation mark (auth/revocations.ts) that refuses every token of the user issued before
 * now on every instance at once.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly revocations: Revocations,
    private readonly addresses: AddressRegistry,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** POST /accounts/me/sessions/revoke: every session of the signed-in user ends, the user is told. */
  async revokeAll(username: string, sub: string): Promise<void> {
    const account = await this.cognito.getAccount(username);
    await this.endSessions(username, sub);
    this.audit.record('sessions.revoked', { username });
    await this.notify(account, 'sessions-ended');
  }

  /**
   * Signs the user out everywhere: Cognito's global sign-out first, then the mark. Should the
   * sign-out fail, nothing has changed and the caller's token still works for the retry.
   */
  async endSessions(username: string, sub: string): Promise<void> {
    await this.cognito.signOutEverywhere(username);
    await this.revocations.revokeAll(sub, this.clock.now());
  }

  /**
   * DELETE /accounts/me: the Cognito user goes, with every session; the notice goes to the address
   * the account had. Under the account's lock, so a confirmation or restore in flight never
   * interleaves with it.
   */
  deleteAccount(username: string, sub: string): Promise<void> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username);
      // The user first: should that fail, nothing has changed and the token still works for the retry.
      await this.cognito.deleteAccount(username);
      await this.revocations.revokeAll(sub, this.clock.now());
      this.audit.record('account.deleted', { username });
      await this.notify(account, 'account-deleted');
    });
  }

  /**
   * A notice about what has already happened: its failure must not turn the outcome into an error
   * the user would retry, so it is logged for operators instead.
   */
  async notify(
    account: Pick<Account, 'username' | 'email' | 'locale'>,
    template: PlainNotice,
  ): Promise<void> {
    if (!account.email) return;
    try {
      await this.mail.send({ to: account.email, template, locale: account.locale, context: {} });
      this.audit.record('notice.sent', { username: account.username, notice: template });
    } catch (error) {
      this.logger.warn(
        `The ${template} notice was not sent for ${account.username}: ${(error as Error).name}`,
      );
    }
  }
}
