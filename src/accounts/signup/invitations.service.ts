import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { EmailTakenError, NotInvitedError, UserNotFoundError } from '../../common/errors';
import type { Account } from '../../cognito/account';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { AccountEvents } from '../../events/account-events';
import { AuditLog } from '../../logging/audit-log';
import type { MailMessage } from '../../mail/mail.types';
import { MailService } from '../../mail/mail.service';
import { AddressRegistry } from '../address-registry';
import { addSeal, lastExpiry, sealToken } from '../link-secret';
import { LinkIssuer } from '../links';

/** Live activation links kept per invited account: a stranger's resends never push out the owner's soon. */
const LINKS_KEPT = 20;

/** What an invitation's seal is tagged with: the job that made it, so a re-run replaces its own. */
const tagOf = (id: string): string => id.replace(/-/g, '').slice(0, 12);

export interface Invitation {
  username: string;
  expiresAt: Date;
}

/** A live activation link of an invited account, ready to be mailed. */
export interface ActivationLink extends Invitation {
  email: string;
  locale?: string;
  activationUrl: string;
}

/** The activation mail of a link. */
export const activationMail = ({
  email,
  locale,
  activationUrl,
}: ActivationLink): MailMessage<'activation'> => ({
  to: email,
  template: 'activation',
  locale,
  context: { activationUrl },
});

/**
 * Invited accounts and their activation links, for signup and for admins. An invited account has no
 * password anyone knows; each link carries a token whose seal, bound to the username, waits on the
 * account beside a few others (see link-secret.ts): issuing a new link never breaks an earlier one.
 * Links are returned, not mailed: the flow that asked sends its mails (the admin's, here).
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly addresses: AddressRegistry,
    private readonly links: LinkIssuer,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly events: AccountEvents,
  ) {}

  /** An admin's invitation: a new invited account for a free address, and its activation mail. */
  invite(email: string, locale?: string, invitedBy?: string): Promise<Invitation> {
    return this.addresses.withAddress(email, async () => {
      if ((await this.addresses.holders(email)).length > 0) throw new EmailTakenError();
      const link = await this.create(email, locale, randomUUID());
      await this.send(link);
      this.audit.record('invitation.created', { username: link.username, admin: invitedBy });
      return { username: link.username, expiresAt: link.expiresAt };
    });
  }

  /**
   * An admin's resend: a new link, and every earlier link of the account stops working. Under the
   * address's lock, so that the removal of expired invitations never deletes one being renewed.
   */
  async renew(username: string, renewedBy?: string): Promise<Pick<Invitation, 'expiresAt'>> {
    const { email } = await this.cognito.getAccount(username);
    if (!email) throw new NotInvitedError();
    return this.addresses.withAddress(email, async () => {
      const account = await this.cognito.getAccount(username);
      if (account.state !== 'invited' || account.email !== email) throw new NotInvitedError();
      const link = await this.addLink(account, account.locale, randomUUID(), true);
      await this.send(link);
      this.audit.record('invitation.renewed', { username, admin: renewedBy });
      return { expiresAt: link.expiresAt };
    });
  }

  /**
   * Withdraws an invitation whose every link has expired, as read again under its address's lock
   * (activated or renewed meanwhile, it stays). Its owner is not told: signing up again is the way
   * back. True when it was withdrawn.
   */
  withdrawExpired({ username, email }: Account): Promise<boolean> {
    if (!email) return Promise.resolve(false);
    return this.addresses.withAddress(email, () =>
      this.addresses.withdraw(
        username,
        email,
        'expired',
        (fresh) => this.clock.now() >= this.expiresAt(fresh),
      ),
    );
  }

  /**
   * Creates the invited account, named after the job (`id`, a UUID), so that the job run again meets
   * its own account instead of making a second one, and issues its link. Call it holding the
   * address's lock, after checking that nobody holds the address.
   */
  async create(email: string, locale: string | undefined, id: string): Promise<ActivationLink> {
    const { token, url, expiresAt } = this.links.issue('activation', id);
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
    await this.events.publish('account.invited', account);
    return { username: id, email, locale, activationUrl: url, expiresAt };
  }

  /** A further link for an invited account; earlier ones keep working unless `replaceEarlier`. */
  async addLink(
    account: Account,
    locale: string | undefined,
    id: string,
    replaceEarlier = false,
  ): Promise<ActivationLink> {
    const { username } = account;
    const { token, url, expiresAt } = this.links.issue('activation', username);
    const seal = sealToken(token, [username], expiresAt, tagOf(id));
    const secrets = replaceEarlier
      ? seal
      : addSeal(account.activationSecrets, seal, this.clock.now(), LINKS_KEPT);
    await this.cognito.storeActivationSecrets(username, secrets);
    return { username, email: account.email ?? '', locale, activationUrl: url, expiresAt };
  }

  /** Not yet activated duplicates of an earlier race, as read just now; an activated account is never touched. */
  async withdrawLeftovers(others: Account[]): Promise<void> {
    for (const account of others.filter((other) => other.state === 'invited')) {
      await this.cognito.deleteAccount(account.username).catch((error: unknown) => {
        if (!(error instanceof UserNotFoundError)) throw error;
      });
      this.audit.record('signup.leftover-removed', { username: account.username });
    }
  }

  /** When the account's newest activation link stops working. */
  expiresAt(account: Account): Date {
    return (
      lastExpiry(account.activationSecrets) ??
      new Date(account.createdAt.getTime() + this.links.lifetimeMs('activation'))
    );
  }

  private async send(link: ActivationLink): Promise<void> {
    await this.mail.send(activationMail(link));
    this.audit.record('activation.sent', { username: link.username });
  }
}
