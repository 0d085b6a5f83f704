import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { EmailTakenError, NotInvitedError } from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { linksConfig } from '../../config/configuration';
import { AuditLog } from '../../logging/audit-log';
import { MailService } from '../../mail/mail.service';
import { AddressRegistry } from '../address-registry';
import { addSeal, lastExpiry, sealToken } from '../link-secret';
import { buildLink } from '../links';

/** Live activation links kept per invited account: a stranger's resends never push out the owner's soon. */
const LINKS_KEPT = 20;

/** What an invitation's seal is tagged with: the job that made it, so a re-run replaces its own. */
const tagOf = (id: string): string => id.replace(/-/g, '').slice(0, 12);

export interface Invitation {
  username: string;
  expiresAt: Date;
}

/**
 * Invited accounts and their activation links, for signup and for admins. An invited account has no
 * password anyone knows; each link carries a token whose seal, bound to the username, waits on the
 * account beside a few others (see link-secret.ts): sending a new link never breaks an earlier one.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
  ) {}

  /** An admin's invitation: a new invited account for a free address, and its activation mail. */
  invite(email: string, locale?: string, invitedBy?: string): Promise<Invitation> {
    return this.addresses.withAddress(email, async () => {
      if ((await this.addresses.holders(email)).length > 0) throw new EmailTakenError();
      const invitation = await this.create(email, locale, randomUUID());
      this.audit.record('invitation.created', { username: invitation.username, admin: invitedBy });
      return invitation;
    });
  }

  /** An admin's resend: a new link, and every earlier link of the account stops working. */
  async renew(username: string, renewedBy?: string): Promise<Pick<Invitation, 'expiresAt'>> {
    const account = await this.cognito.getAccount(username);
    if (account.state !== 'invited' || !account.email) throw new NotInvitedError();
    const expiresAt = await this.mailLink(account, account.locale, randomUUID(), true);
    this.audit.record('invitation.renewed', { username, admin: renewedBy });
    return { expiresAt };
  }

  /**
   * Creates the invited account, named after the job (`id`, a UUID), so that the job run again meets
   * its own account instead of making a second one, then mails its link. Call it holding the
   * address's lock, after checking that nobody holds the address.
   */
  async create(email: string, locale: string | undefined, id: string): Promise<Invitation> {
    const token = generateSecret();
    const expiresAt = this.expiry();
    const seal = sealToken(token, [id], expiresAt, tagOf(id));
    const account = await this.cognito.createInvitedAccount(id, { email, locale }, seal);
    if (account.activationSecrets !== seal) {
      // The account is there from this job's earlier run: its link is replaced by this run's.
      await this.cognito.storeActivationSecrets(
        id,
        addSeal(account.activationSecrets, seal, this.clock.now(), LINKS_KEPT),
      );
    }
    await this.addresses.claim(email, id);
    await this.send(id, token, email, locale);
    return { username: id, expiresAt };
  }

  /** A further link for an invited account; earlier ones keep working unless `replaceEarlier`. */
  async mailLink(
    account: Account,
    locale: string | undefined,
    id: string,
    replaceEarlier = false,
  ): Promise<Date> {
    const token = generateSecret();
    const expiresAt = this.expiry();
    const seal = sealToken(token, [account.username], expiresAt, tagOf(id));
    const secrets = replaceEarlier
      ? seal
      : addSeal(account.activationSecrets, seal, this.clock.now(), LINKS_KEPT);
    await this.cognito.storeActivationSecrets(account.username, secrets);
    await this.send(account.username, token, account.email ?? '', locale);
    return expiresAt;
  }

  /** When the account's newest activation link stops working. */
  expiresAt(account: Account): Date {
    return (
      lastExpiry(account.activationSecrets) ??
      new Date(account.createdAt.getTime() + this.links.activationTtlMs)
    );
  }

  private expiry(): Date {
    return new Date(this.clock.now().getTime() + this.links.activationTtlMs);
  }

  private async send(username: string, token: string, email: string, locale?: string): Promise<void> {
    const activationUrl = buildLink(this.links.activation, { username, token });
    await this.mail.send({ to: email, template: 'activation', locale, context: { activationUrl } });
    this.audit.record('activation.sent', { username });
  }
}
