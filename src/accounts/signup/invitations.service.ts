import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { EmailTakenError, NotInvitedError } from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoService } from '../../cognito/cognito.service';
import { linksConfig } from '../../config/configuration';
import { KEYED_LOCK, type KeyedLock } from '../../coordination/coordination.types';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import { buildLink } from '../links';

/**
 * How long an activation link works: the pool's TemporaryPasswordValidityDays (the link carries the
 * temporary password). Kept equal to the pool definition by a unit test.
 */
export const INVITATION_VALIDITY_MS = 7 * 24 * 3_600_000;

/**
 * Invitations made by an operator rather than by signup: the same account, the same activation mail.
 * Interim implementation over CognitoService, until signup's own invitation code replaces it.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly cognito: CognitoService,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
    @Inject(KEYED_LOCK) private readonly emailLock: KeyedLock,
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
  ) {}

  /**
   * When an invited account's activation link stops working: its temporary password was set when
   * Cognito last modified the user (creation or renewal).
   */
  expiresAt(account: Pick<Account, 'createdAt' | 'updatedAt'>): Date {
    const issuedAt = Math.max(account.createdAt.getTime(), account.updatedAt.getTime());
    return new Date(issuedAt + INVITATION_VALIDITY_MS);
  }

  /** Creates an invited account and mails its activation link; 409 when an account holds the address. */
  async invite(
    email: string,
    locale?: string,
    invitedBy?: string,
  ): Promise<{ username: string; expiresAt: Date }> {
    // The same lock as signup: an invitation and a signup for one address never race.
    return this.emailLock.run(`signup:${email}`, async () => {
      if ((await this.cognito.findAccountsByEmail(email)).length > 0) throw new EmailTakenError();
      const username = randomUUID();
      const token = generateSecret();
      const account = await this.cognito.createInvitedAccount(username, token, { email, locale });
      this.audit.record('signup.requested', { username, account: 'new', invitedBy });
      await this.mailActivation(username, token, email, locale);
      return { username, expiresAt: this.expiresAt(account) };
    });
  }

  /** A new activation link for an invited account; every older link stops working. */
  async renew(username: string): Promise<{ expiresAt: Date }> {
    const account = await this.cognito.getAccount(username);
    if (account.state !== 'invited') throw new NotInvitedError();
    const token = generateSecret();
    await this.cognito.renewInvitation(username, token);
    await this.mailActivation(username, token, account.email ?? '', account.locale);
    return { expiresAt: new Date(Date.now() + INVITATION_VALIDITY_MS) };
  }

  private async mailActivation(username: string, token: string, email: string, locale?: string) {
    const activationUrl = buildLink(this.links.activation, { username, token });
    await this.mail.send({ to: email, template: 'activation', locale, context: { activationUrl } });
    this.audit.record('activation.sent', { username });
  }
}
