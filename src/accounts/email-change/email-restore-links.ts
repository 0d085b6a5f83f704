import { Injectable } from '@nestjs/common';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import type { MailContexts } from '../../mail/mail.types';
import { LinkIssuer } from '../links';
import { sealEmailRestore } from './email-restore';

/** What the email-changed notice shows: the "this wasn't me" link and how long it works. */
export type RestoreLink = Required<Pick<MailContexts['email-changed'], 'restoreUrl' | 'restoreDays'>>;

/** "This wasn't me" links, issued when an account moves away from an address. */
@Injectable()
export class EmailRestoreLinks {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly links: LinkIssuer,
  ) {}

  /** Stores the restore record for an account that just moved away from `oldEmail`, and makes its link. */
  async issue(username: string, oldEmail: string): Promise<RestoreLink> {
    const { token, url, expiresAt } = this.links.issue('emailRestore', username);
    await this.cognito.storeEmailRestore(username, sealEmailRestore(token, username, oldEmail, expiresAt));
    return {
      restoreUrl: url,
      restoreDays: String(Math.round(this.links.lifetimeMs('emailRestore') / 86_400_000)),
    };
  }
}
