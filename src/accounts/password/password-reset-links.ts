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

  /** A new link for the account's address (the earlier one stops working), as the reset mail shows it. */
  async issue(account: Pick<Account, 'username' | 'email'>): Promise<MailContexts['password-reset']> {
    const { token, url, expiresAt } = this.links.issue('passwordReset', account.username);
    await this.cognito.storePasswordResetSecret(
      account.username,
      sealPasswordReset(token, account, expiresAt),
    );
    return {
      resetUrl: url,
      expiresInMinutes: String(Math.round(this.links.lifetimeMs('passwordReset') / 60_000)),
    };
  }
}
