import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import {
  InvalidPasswordError,
  InvalidResetLinkError,
  PasswordReusedError,
  UserNotFoundError,
} from '../../common/errors';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AuditLog } from '../../logging/audit-log';
import { AddressRegistry } from '../address-registry';
import { AccountLifecycleService } from '../lifecycle/account-lifecycle.service';
import { opensPasswordReset } from './password-reset-link';
import { refusedPasswordMessage } from './password-rules';

/** Following a password-reset link: the new password, every session ended, the link spent. */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly lifecycle: AccountLifecycleService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Sets the new password from a reset link. The password first: a weak one changes nothing and the
   * link keeps working. Then every session ends, the link is spent, and the user is told.
   */
  async resetPassword(username: string, token: string, password: string): Promise<{ username: string }> {
    return this.addresses.withAccount(username, async () => {
      const account = await this.cognito.getAccount(username).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) return undefined;
        throw error;
      });
      if (!account || account.state !== 'active' || !opensPasswordReset(account, token, this.clock.now())) {
        throw new InvalidResetLinkError();
      }
      await this.cognito.setPassword(username, password).catch((error: unknown) => {
        if (error instanceof InvalidPasswordError && !(error instanceof PasswordReusedError)) {
          throw new InvalidPasswordError(refusedPasswordMessage(), { cause: error });
        }
        throw error;
      });
      // Sessions end before the link is spent: a failure in between leaves the link working, and
      // the user's retry does it all again.
      await this.lifecycle.endSessions(account);
      await this.cognito.clearPasswordResetSecret(username);
      this.audit.record('password-reset.completed', { username });
      await this.lifecycle.announce('account.password_reset', account);
      await this.lifecycle.notify(account, 'password-changed');
      return { username };
    });
  }
}
