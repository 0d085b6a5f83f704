import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { EmailTakenError, InvalidActivationLinkError, UserNotFoundError } from '../../common/errors';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AccountEvents } from '../../events/account-events';
import { AuditLog } from '../../logging/audit-log';
import { AddressRegistry, keepsAddress } from '../address-registry';
import { matchSeal } from '../link-secret';

/**
 * Activation: the link's token opens one of the invited account's seals, and the user's chosen
 * password is set for good. A wrong or expired token, an unknown user and an account that is active
 * or disabled all look the same.
 */
@Injectable()
export class ActivationService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly events: AccountEvents,
  ) {}

  completeSignup(
    username: string,
    token: string,
    password: string,
  ): Promise<{ username: string; email: string }> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.openInvitation(username, token);
      const { email } = account;
      return this.addresses.withAddress(email, async () => {
        // Right before the address becomes verified: nobody else may hold it, or have just been given it.
        const holders = await this.addresses.holders(email, username);
        if (holders.some(keepsAddress)) throw new EmailTakenError();
        // Verified first, the password last: the password is what makes the account active (and the
        // link unusable), so a failure before it (a weak password, an outage) leaves the link working.
        await this.cognito.markEmailVerified(username).catch((error: unknown) => {
          // Withdrawn while this link was being followed (AddressRegistry.withdraw, under this lock).
          if (error instanceof UserNotFoundError) throw new InvalidActivationLinkError({ cause: error });
          throw error;
        });
        await this.cognito.setPassword(username, password);
        await this.addresses.claim(email, username);
        this.audit.record('account.activated', { username });
        await this.events.publish('account.activated', account);
        return { username, email };
      });
    });
  }

  private async openInvitation(username: string, token: string): Promise<Account & { email: string }> {
    const account = await this.cognito.getAccount(username).catch((error: unknown) => {
      if (error instanceof UserNotFoundError) throw new InvalidActivationLinkError({ cause: error });
      throw error;
    });
    const opens = matchSeal(account.activationSecrets, token, [username], this.clock.now());
    if (account.state !== 'invited' || !account.email || !opens) throw new InvalidActivationLinkError();
    return { ...account, email: account.email };
  }
}
