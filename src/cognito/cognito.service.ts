import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Injectable } from '@nestjs/common';
import { NotAuthorizedError } from '../common/errors';
import { ExpiringCache } from '../common/expiring-cache';
import {
  Account,
  challengeEmail,
  EMAIL,
  EMAIL_VERIFIED,
  LOCALE,
  NewAccount,
  PENDING_ATTRIBUTES,
  toAccount,
  toAttributes,
  TRUE,
} from './account';
import { PENDING_EMAIL_ATTRIBUTE, VERIFICATION_ATTRIBUTE } from './attributes';
import { CognitoClient } from './cognito-client';

/** How long a profile read may be answered from memory (GET /accounts/me). */
const RECENT_READ_MS = 5_000;
const RECENT_READS_KEPT = 10_000;

/** An invited account waiting for its activation (a NEW_PASSWORD_REQUIRED challenge). */
export interface PendingActivation {
  session: string;
  /** The email as Cognito hands it with the challenge (it may hand none). */
  email?: string;
}

/**
 * The one wrapper over the Cognito SDK. Every call goes through the backend app client / admin
 * API; SDK exceptions become domain errors here, so the rest of the service never sees AWS types.
 */
@Injectable()
export class CognitoService {
  /** Accounts read lately, for getRecentAccount; every write through this wrapper drops the user's entry. */
  private readonly recentReads = new ExpiringCache<Account>(RECENT_READS_KEPT);

  constructor(private readonly cognito: CognitoClient) {}

  /** Every account whose email equals the address (all pages). */
  async findAccountsByEmail(email: string): Promise<Account[]> {
    const accounts: Account[] = [];
    let token: string | undefined;
    do {
      const page = await this.cognito.call((c) =>
        c.send(
          new ListUsersCommand({
            UserPoolId: this.cognito.userPoolId,
            Filter: `email = "${email.replace(/["\\]/g, '\\$&')}"`,
            PaginationToken: token,
          }),
        ),
      );
      accounts.push(...(page.Users ?? []).map(toAccount));
      token = page.PaginationToken;
    } while (token);
    return accounts;
  }

  /** Creates an invited account without any Cognito message; the caller sends its own. */
  async createInvitedAccount(
    username: string,
    temporaryPassword: string,
    { email, locale }: NewAccount,
  ): Promise<Account> {
    const { User } = await this.cognito.call((c) =>
      c.send(
        new AdminCreateUserCommand({
          UserPoolId: this.cognito.userPoolId,
          Username: username,
          TemporaryPassword: temporaryPassword,
          MessageAction: 'SUPPRESS',
          UserAttributes: toAttributes({ [EMAIL]: email, ...(locale ? { [LOCALE]: locale } : {}) }),
        }),
      ),
    );
    return toAccount(User ?? { Username: username });
  }

  /** A fresh temporary password for an invited account (its earlier activation link stops working). */
  async renewInvitation(username: string, temporaryPassword: string): Promise<void> {
    this.recentReads.delete(username);
    await this.cognito.call((c) =>
      c.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.cognito.userPoolId,
          Username: username,
          Password: temporaryPassword,
          Permanent: false,
        }),
      ),
    );
  }

  /**
   * The user as read at most RECENT_READ_MS ago (by this instance): for showing a profile, never for
   * checking a secret. Writes made here are seen at once; another instance's after RECENT_READ_MS.
   */
  async getRecentAccount(username: string): Promise<Account> {
    return this.recentReads.get(username) ?? (await this.getAccount(username));
  }

  /** The account as Cognito has it now. */
  async getAccount(username: string): Promise<Account> {
    const user = await this.cognito.call((c) =>
      c.send(new AdminGetUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
    const account = toAccount({ ...user, Attributes: user.UserAttributes });
    this.recentReads.set(username, account, Date.now() + RECENT_READ_MS);
    return account;
  }

  /** The account's email is verified (so password reset works for it). */
  async markEmailVerified(username: string): Promise<void> {
    await this.updateAttributes(username, { [EMAIL_VERIFIED]: TRUE });
  }

  /** Stores a new address and its sealed secret, replacing any earlier pending change. */
  async storePendingEmailChange(username: string, email: string, sealedSecret: string): Promise<void> {
    await this.updateAttributes(username, {
      [PENDING_EMAIL_ATTRIBUTE]: email,
      [VERIFICATION_ATTRIBUTE]: sealedSecret,
    });
  }

  /**
   * Makes `email` the account's verified address and overwrites the pending change's secret with
   * `spentMarker`, in one call: either all of it happens or none.
   */
  async applyEmailChange(username: string, email: string, spentMarker: string): Promise<void> {
    await this.updateAttributes(username, {
      [EMAIL]: email,
      [EMAIL_VERIFIED]: TRUE,
      [VERIFICATION_ATTRIBUTE]: spentMarker,
    });
  }

  /**
   * Removes a pending change. Given the account as read, only what it holds is removed (removing an
   * attribute a user lacks is an error in moto) and nothing is called when it holds none: answers
   * whether anything was removed. Without it both attributes are removed.
   */
  async clearPendingEmailChange(
    username: string,
    read?: Pick<Account, 'pendingEmail' | 'pendingEmailSecret'>,
  ): Promise<boolean> {
    const names = read
      ? [
          ...(read.pendingEmail !== undefined ? [PENDING_EMAIL_ATTRIBUTE] : []),
          ...(read.pendingEmailSecret !== undefined ? [VERIFICATION_ATTRIBUTE] : []),
        ]
      : PENDING_ATTRIBUTES;
    if (names.length === 0) return false;
    await this.deleteAttributes(username, names);
    return true;
  }

  async deleteAccount(username: string): Promise<void> {
    this.recentReads.delete(username);
    await this.cognito.call((c) =>
      c.send(new AdminDeleteUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  /**
   * Signs in with a temporary password. Resolves only when Cognito asks for a new password; any
   * other outcome (wrong or expired password, an already active user) is NotAuthorizedError.
   */
  async startActivation(username: string, temporaryPassword: string): Promise<PendingActivation> {
    const result = await this.cognito.call((c) =>
      c.send(
        new AdminInitiateAuthCommand({
          UserPoolId: this.cognito.userPoolId,
          ClientId: this.cognito.backendClientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: temporaryPassword },
        }),
      ),
    );
    if (result.ChallengeName !== 'NEW_PASSWORD_REQUIRED' || !result.Session) throw new NotAuthorizedError();
    return { session: result.Session, email: challengeEmail(result.ChallengeParameters) };
  }

  /** Answers the NEW_PASSWORD_REQUIRED challenge; the tokens Cognito returns are discarded. */
  async completeActivation(username: string, session: string, newPassword: string): Promise<void> {
    this.recentReads.delete(username);
    await this.cognito.call((c) =>
      c.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: this.cognito.userPoolId,
          ClientId: this.cognito.backendClientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
        }),
      ),
    );
  }

  private async updateAttributes(username: string, attributes: Record<string, string>): Promise<void> {
    this.recentReads.delete(username);
    await this.cognito.call((c) =>
      c.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.cognito.userPoolId,
          Username: username,
          UserAttributes: toAttributes(attributes),
        }),
      ),
    );
  }

  private async deleteAttributes(username: string, names: string[]): Promise<void> {
    this.recentReads.delete(username);
    await this.cognito.call((c) =>
      c.send(
        new AdminDeleteUserAttributesCommand({
          UserPoolId: this.cognito.userPoolId,
          Username: username,
          UserAttributeNames: names,
        }),
      ),
    );
  }
}
