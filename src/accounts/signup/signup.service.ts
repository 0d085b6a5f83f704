import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { InvalidActivationLinkError, NotAuthorizedError, UserNotFoundError } from '../../common/errors';
import { generateSecret } from '../../common/secrets';
import type { Account } from '../../cognito/account';
import { CognitoService } from '../../cognito/cognito.service';
import { linksConfig } from '../../config/configuration';
import { KEYED_LOCK, type KeyedLock } from '../../coordination/coordination.types';
import { MailService } from '../../mail/mail.service';
import { AttemptLimiter } from '../../rate-limit/attempt-limiter';
import { AuditLog } from '../../logging/audit-log';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { buildLink } from '../links';

/** Byte-identical for every address, so the answer reveals nothing about which addresses have accounts. */
const ACCEPTED: AcceptedResponseDto = {
  message: 'If this address can receive email, a message is on its way.',
};

const notActivated = (account: Account): boolean => account.state === 'invited';

/**
 * The account that owns an address when several exist (two instances raced): an activated one
 * first, else the oldest, ties broken by username, so every instance picks the same one.
 */
export function pickOwner(users: Account[]): Account | undefined {
  return [...users].sort(
    (a, b) =>
      Number(notActivated(a)) - Number(notActivated(b)) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.username.localeCompare(b.username),
  )[0];
}

/**
 * Invite-only signup: we create the Cognito user (no Cognito mail), then send our own activation
 * mail whose link carries the username and the temporary password. Whatever the address's state,
 * the caller learns nothing: the HTTP answer is the same and only the mailbox owner sees the difference.
 */
@Injectable()
export class SignupService {
  constructor(
    private readonly cognito: CognitoService,
    private readonly mail: MailService,
    private readonly attempts: AttemptLimiter,
    private readonly audit: AuditLog,
    // One signup per address at a time: in this process, or across instances with REDIS_URL.
    @Inject(KEYED_LOCK) private readonly emailLock: KeyedLock,
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
  ) {}

  /** Signs up, or re-sends what the address's owner needs (a fresh activation link or a reminder). */
  async signup(email: string, locale?: string): Promise<AcceptedResponseDto> {
    await this.emailLock.run(`signup:${email}`, async () => {
      const users = await this.cognito.findAccountsByEmail(email);
      const owner = pickOwner(users);
      if (!owner) return this.createAccount(email, locale);
      await this.removeDuplicates(users, owner);
      const language = locale ?? owner.locale;
      if (notActivated(owner)) {
        this.audit.record('signup.requested', { username: owner.username, account: 'not-activated' });
        return this.sendActivation(owner.username, email, language);
      }
      this.audit.record('signup.requested', { username: owner.username, account: 'active' });
      await this.mail.send({ to: email, template: 'account-exists', locale: language, context: {} });
      this.audit.record('account-exists.sent', { username: owner.username });
    });
    return ACCEPTED;
  }

  /** Sends the activation email again (a fresh link); the same rules and answer as signup. */
  resendActivation(email: string): Promise<AcceptedResponseDto> {
    return this.signup(email);
  }

  /**
   * Uses the link's token as the temporary password to reach NEW_PASSWORD_REQUIRED, then sets the
   * chosen password. A wrong token, an unknown user and an active account look the same.
   */
  async completeSignup(
    username: string,
    token: string,
    password: string,
  ): Promise<{ username: string; email: string }> {
    await this.attempts.assertAllowed('activation', username);
    const pending = await this.cognito.startActivation(username, token).catch(async (error: unknown) => {
      if (error instanceof NotAuthorizedError || error instanceof UserNotFoundError) {
        await this.attempts.recordFailure('activation', username);
        throw new InvalidActivationLinkError({ cause: error });
      }
      throw error;
    });
    // Everything that can fail goes before answering the challenge, the one step that spends the
    // link: if any of it fails (a weak password, an outage), the link still works and a retry
    // completes. Verifying the email after it could leave an active account whose email is never
    // verified, and so could never reset its password.
    const email = pending.email ?? (await this.cognito.getAccount(username)).email ?? '';
    await this.cognito.markEmailVerified(username);
    await this.cognito.completeActivation(username, pending.session, password);
    this.audit.record('account.activated', { username });
    return { username, email };
  }

  private async createAccount(email: string, locale?: string): Promise<void> {
    const username = randomUUID();
    const token = generateSecret();
    await this.cognito.createInvitedAccount(username, token, { email, locale });
    // The lock only covers this process: re-check, and if another instance won the race, withdraw.
    const owner = pickOwner(await this.cognito.findAccountsByEmail(email));
    if (owner && owner.username !== username) {
      this.audit.record('signup.race-withdrawn', { username, owner: owner.username });
      await this.cognito.deleteAccount(username);
      return;
    }
    this.audit.record('signup.requested', { username, account: 'new' });
    await this.mailActivation(username, token, email, locale);
  }

  /** A fresh temporary password (the previous link stops working) and a new activation mail. */
  private async sendActivation(username: string, email: string, locale?: string): Promise<void> {
    const token = generateSecret();
    await this.cognito.renewInvitation(username, token);
    await this.mailActivation(username, token, email, locale);
  }

  private async mailActivation(
    username: string,
    token: string,
    email: string,
    locale?: string,
  ): Promise<void> {
    const activationUrl = buildLink(this.links.activation, { username, token });
    await this.mail.send({ to: email, template: 'activation', locale, context: { activationUrl } });
    this.audit.record('activation.sent', { username });
  }

  /** Removes not-yet-activated leftovers of an earlier race; an activated account is never touched. */
  private async removeDuplicates(users: Account[], owner: Account): Promise<void> {
    const leftovers = users.filter((user) => user !== owner && notActivated(user));
    for (const user of leftovers) {
      await this.cognito.deleteAccount(user.username).catch((error: unknown) => {
        if (!(error instanceof UserNotFoundError)) throw error;
      });
    }
  }
}
