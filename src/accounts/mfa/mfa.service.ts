import { Injectable } from '@nestjs/common';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AuditLog } from '../../logging/audit-log';
import { APP_NAME } from '../../mail/mail-renderer';
import { AccountLifecycleService, type Actor } from '../lifecycle/account-lifecycle.service';
import type { TotpSetupDto } from './dto/mfa.dto';

/**
 * Two-step sign-in with an authenticator app (TOTP), at Cognito: the set-up and its verification
 * act with the user's own access token (Cognito ties the secret to the token's user); turning it
 * off is an admin call, so it also works for an operator helping a user who lost the phone.
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly lifecycle: AccountLifecycleService,
    private readonly audit: AuditLog,
  ) {}

  /** A new secret for the user's authenticator app; MFA stays as it is until a code verifies it. */
  async startSetup(username: string, accessToken: string): Promise<TotpSetupDto> {
    const account = await this.cognito.getRecentAccount(username);
    const secret = await this.cognito.startTotpSetup(username, accessToken);
    // The name the mails use, so the app's entry and the notices agree.
    // Percent-encoded throughout: the Key URI Format has no `+` for a space (URLSearchParams writes one).
    const issuer = encodeURIComponent(APP_NAME);
    const label = `${issuer}:${encodeURIComponent(account.email ?? username)}`;
    return { secret, otpauthUri: `otpauth://totp/${label}?secret=${secret}&issuer=${issuer}` };
  }

  /** The first code proves the app has the secret: TOTP becomes the enabled, preferred factor. */
  async enable(username: string, accessToken: string, code: string): Promise<void> {
    await this.cognito.enableTotp(username, accessToken, code);
    const account = await this.cognito.getAccount(username);
    this.audit.record('mfa.enabled', { username });
    await this.lifecycle.announce('account.mfa_enabled', account);
    await this.lifecycle.notify(account, 'mfa-enabled');
  }

  /** Sign-in asks for the password only again; the user (or an admin, named) is told by mail. */
  async disable(username: string, { admin }: Actor = {}): Promise<void> {
    await this.cognito.turnOffMfa(username);
    const account = await this.cognito.getAccount(username);
    this.audit.record('mfa.disabled', { username, admin });
    await this.lifecycle.announce('account.mfa_disabled', account);
    await this.lifecycle.notify(account, 'mfa-disabled');
  }
}
