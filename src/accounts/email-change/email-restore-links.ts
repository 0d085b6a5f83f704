import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import type { MailContexts } from '../../mail/mail.types';
import { LinkIssuer } from '../links';
import { chainEmailRestore } from './email-restore';

/** What the email-changed notice shows: the "this wasn't me" link and how long it works. */
export type RestoreLink = Required<Pick<MailContexts['email-changed'], 'restoreUrl' | 'restoreDays'>>;

/** "This wasn't me" links, issued when an account moves away from an address. */
@Injectable()
export class EmailRestoreLinks {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly links: LinkIssuer,
    private readonly clock: Clock,
  ) {}

  /**
   * Adds a link to the restore chain of an account (as read before the change) that just moved away
   * from `leaving`, and makes its URL: it restores the chain's origin (email-restore.ts).
   */
  async issue(account: Pick<Account, 'username' | 'emailRestore'>, leaving: string): Promise<RestoreLink> {
    const { username } = account;
    const { token, url, expiresAt } = this.links.issue('emailRestore', username);
    const record = chainEmailRestore(
      account.emailRestore,
      { token, username, leaving, expiresAt },
      this.clock.now(),
    );
    await this.cognito.storeEmailRestore(username, record);
    return {
      restoreUrl: url,
      restoreDays: String(Math.round(this.links.lifetimeMs('emailRestore') / 86_400_000)),
    };
  }
}
