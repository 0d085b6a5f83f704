import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  GetUserCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Injectable } from '@nestjs/common';
import {
  NotAuthorizedError,
  UnauthenticatedError,
  UserNotFoundError,
  UsernameTakenError,
} from '../common/errors';
import {
  Account,
  EMAIL,
  EMAIL_VERIFIED,
  LOCALE,
  NewAccount,
  PENDING_ATTRIBUTES,
  toAccount,
  toAttributes,
  TRUE,
} from './account';
import {
  ACTIVATION_ATTRIBUTE,
  EMAIL_RESTORE_ATTRIBUTE,
  PASSWORD_RESET_ATTRIBUTE,
  PENDING_EMAIL_ATTRIBUTE,
  VERIFICATION_ATTRIBUTE,
} from './attributes';
import { CognitoClient } from './cognito-client';
import { RecentAccounts } from './recent-accounts';

/**
 * The one wrapper over the Cognito SDK. Every call goes through the backend app client / admin
 * API; SDK exceptions become domain errors here, so the rest of the service never sees AWS types.
 */
@Injectable()
export class CognitoService {
  constructor(
    private readonly cognito: CognitoClient,
    private readonly recentReads: RecentAccounts,
  ) {}

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

  /**
   * Creates an invited account without any Cognito message (the caller sends its own) and without a
   * usable password: Cognito draws a temporary one nobody learns; activation sets the user's own.
   * A retry that meets its own first try (the same username) returns the account as it is.
   */
  async createInvitedAccount(
    username: string,
    { email, locale }: NewAccount,
    activationSecrets: string,
  ): Promise<Account> {
    try {
      const { User } = await this.cognito.call((c) =>
        c.send(
          new AdminCreateUserCommand({
            UserPoolId: this.cognito.userPoolId,
            Username: username,
            MessageAction: 'SUPPRESS',
            UserAttributes: toAttributes({
              [EMAIL]: email,
              ...(locale ? { [LOCALE]: locale } : {}),
              [ACTIVATION_ATTRIBUTE]: activationSecrets,
            }),
          }),
        ),
      );
      return toAccount(User ?? { Username: username });
    } catch (error) {
      if (error instanceof UsernameTakenError) return this.getAccount(username);
      throw error;
    }
  }

  /** Replaces the seals of an invited account's activation links. */
  async storeActivationSecrets(username: string, activationSecrets: string): Promise<void> {
    await this.updateAttributes(username, { [ACTIVATION_ATTRIBUTE]: activationSecrets });
  }

  /**
   * Sets the user's own password, permanently (an invited account becomes active). Cognito checks it
   * against the pool's policy: a weak one is InvalidPasswordError and changes nothing.
   */
  async setPassword(username: string, password: string): Promise<void> {
    this.recentReads.forget(username);
    await this.cognito.call((c) =>
      c.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.cognito.userPoolId,
          Username: username,
          Password: password,
          Permanent: true,
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
    this.recentReads.remember(account);
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
    this.recentReads.forget(username);
    await this.cognito.call((c) =>
      c.send(new AdminDeleteUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  /**
   * Asks Cognito whether an access token is still good (GetUser with it): refused once the user
   * signed out everywhere, was disabled or deleted, or the token was revoked.
   */
  async assertTokenLive(accessToken: string): Promise<void> {
    try {
      await this.cognito.call((c) => c.send(new GetUserCommand({ AccessToken: accessToken })));
    } catch (error) {
      if (error instanceof NotAuthorizedError || error instanceof UserNotFoundError) {
        throw new UnauthenticatedError('Access token is no longer valid: sign in again', { cause: error });
      }
      throw error;
    }
  }

  private async updateAttributes(username: string, attributes: Record<string, string>): Promise<void> {
    this.recentReads.forget(username);
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
    this.recentReads.forget(username);
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

  /** Stores the seal of a password-reset link, replacing an earlier one (whose link stops working). */
  async storePasswordResetSecret(username: string, sealedSecret: string): Promise<void> {
    await this.updateAttributes(username, { [PASSWORD_RESET_ATTRIBUTE]: sealedSecret });
  }

  /** Removes the password-reset seal (its link stops working). Call it only when the account holds one. */
  async clearPasswordResetSecret(username: string): Promise<void> {
    await this.deleteAttributes(username, [PASSWORD_RESET_ATTRIBUTE]);
  }

  /** Stores what the "this wasn't me" link of the last email change needs (opaque here). */
  async storeEmailRestore(username: string, record: string): Promise<void> {
    await this.updateAttributes(username, { [EMAIL_RESTORE_ATTRIBUTE]: record });
  }

  /**
   * Puts `email` back as the account's verified address and overwrites the restore record with
   * `spentMarker`, in one call: either all of it happens or none.
   */
  async restoreEmail(username: string, email: string, spentMarker: string): Promise<void> {
    await this.updateAttributes(username, {
      [EMAIL]: email,
      [EMAIL_VERIFIED]: TRUE,
      [EMAIL_RESTORE_ATTRIBUTE]: spentMarker,
    });
  }

  /** Removes the restore record. Call it only when the account holds one. */
  async clearEmailRestore(username: string): Promise<void> {
    await this.deleteAttributes(username, [EMAIL_RESTORE_ATTRIBUTE]);
  }

  /**
   * Ends every session of the user at Cognito: its refresh tokens stop working, and Cognito refuses
   * its access tokens (GetUser with them) from now on. Tokens verified locally are not told: callers
   * also leave a revocation mark.
   */
  async globalSignOut(username: string): Promise<void> {
    await this.cognito.call((c) =>
      c.send(new AdminUserGlobalSignOutCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }
}
