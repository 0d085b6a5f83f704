import { Injectable } from '@nestjs/common';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import type { MailContexts } from '../../mail/mail.types';
import { LinkIssuer } from '../links';
import { sealPasswordReset } from './password-reset-link';

/** Password-reset links for active accounts: for "forgot password?" and after an email restore. */
@Injectable()
export class PasswordResetLinks {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly links: LinkIssuer,
  ) {}

  /** A new link (the account's earlier one stops working), as the password-reset mail shows it. */
  async issue({ username }: Pick<Account, 'username'>): Promise<MailContexts['password-reset']> {
    const { token, url, expiresAt } = this.links.issue('passwordReset', username);
    await this.cognito.storePasswordResetSecret(username, sealPasswordReset(token, username, expiresAt));
    return {
      resetUrl: url,
      expiresInMinutes: String(Math.round(this.links.lifetimeMs('passwordReset') / 60_000)),
    };
  }
}
