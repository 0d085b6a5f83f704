import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  GetUserCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Injectable } from '@nestjs/common';
import {
  InvalidCursorError,
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
import { isRefusedParameter } from './cognito-errors';
import {
  CognitoGateway,
  MAX_PAGE_SIZE,
  type DirectoryPage,
  type DirectoryQuery,
  type PendingChangeRead,
} from './cognito-gateway';
import { everyPage } from './every-page';
import { listFilter } from './list-filter';
import { RecentAccounts } from './recent-accounts';
import { associateSoftwareToken, verifyAndPreferTotp } from './sdk-totp';

/** Not a UUID, so never one of this service's usernames: the answer is always "no such user". */
const PROBE_USERNAME = 'readiness-probe';

/**
 * The gateway on the AWS SDK: admin API calls on the backend app client, through CognitoClient
 * (quotas, metrics, SDK exceptions turned into domain errors).
 */
@Injectable()
export class SdkCognitoGateway extends CognitoGateway {
  constructor(
    private readonly cognito: CognitoClient,
    private readonly recentReads: RecentAccounts,
  ) {
    super();
  }

  async getAccount(username: string): Promise<Account> {
    const user = await this.cognito.call((c) =>
      c.send(new AdminGetUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
    // AdminGetUser leaves the list out for a user without MFA.
    const account = toAccount({
      ...user,
      Attributes: user.UserAttributes,
      UserMFASettingList: user.UserMFASettingList ?? [],
    });
    this.recentReads.remember(account);
    return account;
  }

  async getRecentAccount(username: string): Promise<Account> {
    return this.recentReads.get(username) ?? (await this.getAccount(username));
  }

  async listPage(query: DirectoryQuery, limit: number, next?: string): Promise<DirectoryPage> {
    const filter = listFilter(query);
    const page = await this.cognito
      .call((c) =>
        c.send(
          new ListUsersCommand({
            UserPoolId: this.cognito.userPoolId,
            Filter: filter,
            Limit: Math.min(limit, MAX_PAGE_SIZE),
            PaginationToken: next,
          }),
        ),
      )
      .catch((error: unknown) => {
        throw next !== undefined && isRefusedParameter(error)
          ? new InvalidCursorError({ cause: error })
          : error;
      });
    return { accounts: (page.Users ?? []).map(toAccount), next: page.PaginationToken || undefined };
  }

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

  storeActivationSecrets(username: string, activationSecrets: string): Promise<void> {
    return this.write(username, { [ACTIVATION_ATTRIBUTE]: activationSecrets });
  }

  setPassword(username: string, password: string): Promise<void> {
    return this.changing(username, (c) =>
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

  markEmailVerified(username: string): Promise<void> {
    return this.write(username, { [EMAIL_VERIFIED]: TRUE });
  }

  storePendingEmailChange(username: string, email: string, sealedSecret: string): Promise<void> {
    return this.write(username, { [PENDING_EMAIL_ATTRIBUTE]: email, [VERIFICATION_ATTRIBUTE]: sealedSecret });
  }

  applyEmailChange(username: string, email: string, spentMarker: string): Promise<void> {
    return this.write(username, {
      [EMAIL]: email,
      [EMAIL_VERIFIED]: TRUE,
      [VERIFICATION_ATTRIBUTE]: spentMarker,
    });
  }

  async clearPendingEmailChange(username: string, read?: PendingChangeRead): Promise<boolean> {
    // Removing an attribute a user lacks is an error (moto says so; the API reference is silent).
    const names = read
      ? [
          ...(read.pendingEmail !== undefined ? [PENDING_EMAIL_ATTRIBUTE] : []),
          ...(read.pendingEmailSecret !== undefined ? [VERIFICATION_ATTRIBUTE] : []),
        ]
      : PENDING_ATTRIBUTES;
    if (names.length === 0) return false;
    await this.remove(username, names);
    return true;
  }

  storePasswordResetSecret(username: string, sealedSecret: string): Promise<void> {
    return this.write(username, { [PASSWORD_RESET_ATTRIBUTE]: sealedSecret });
  }

  clearPasswordResetSecret(username: string): Promise<void> {
    return this.remove(username, [PASSWORD_RESET_ATTRIBUTE]);
  }

  storeEmailRestore(username: string, record: string): Promise<void> {
    return this.write(username, { [EMAIL_RESTORE_ATTRIBUTE]: record });
  }

  restoreEmail(username: string, email: string, spentMarker: string): Promise<void> {
    return this.write(username, {
      [EMAIL]: email,
      [EMAIL_VERIFIED]: TRUE,
      [EMAIL_RESTORE_ATTRIBUTE]: spentMarker,
    });
  }

  clearEmailRestore(username: string): Promise<void> {
    return this.remove(username, [EMAIL_RESTORE_ATTRIBUTE]);
  }

  signOutEverywhere(username: string): Promise<void> {
    return this.changing(username, (c) =>
      c.send(new AdminUserGlobalSignOutCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  turnOffMfa(username: string): Promise<void> {
    return this.changing(username, (c) =>
      c.send(
        new AdminSetUserMFAPreferenceCommand({
          UserPoolId: this.cognito.userPoolId,
          Username: username,
          SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
        }),
      ),
    );
  }

  startTotpSetup(username: string, accessToken: string): Promise<string> {
    this.recentReads.forget(username);
    return associateSoftwareToken(this.cognito, accessToken);
  }

  enableTotp(username: string, accessToken: string, code: string): Promise<void> {
    this.recentReads.forget(username);
    return verifyAndPreferTotp(this.cognito, accessToken, code);
  }

  disable(username: string): Promise<void> {
    return this.changing(username, (c) =>
      c.send(new AdminDisableUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  enable(username: string): Promise<void> {
    return this.changing(username, (c) =>
      c.send(new AdminEnableUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  deleteAccount(username: string): Promise<void> {
    return this.changing(username, (c) =>
      c.send(new AdminDeleteUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  groupsOf(username: string): Promise<string[]> {
    return everyPage(async (NextToken) => {
      const { Groups = [], NextToken: next } = await this.cognito.call((c) =>
        c.send(
          new AdminListGroupsForUserCommand({
            UserPoolId: this.cognito.userPoolId,
            Username: username,
            NextToken,
          }),
        ),
      );
      return { items: Groups.flatMap((group) => group.GroupName ?? []), next };
    });
  }

  enabledMembersOf(group: string): Promise<string[]> {
    return everyPage(async (NextToken) => {
      const { Users = [], NextToken: next } = await this.cognito.call((c) =>
        c.send(
          new ListUsersInGroupCommand({ UserPoolId: this.cognito.userPoolId, GroupName: group, NextToken }),
        ),
      );
      return { items: Users.flatMap((u) => (u.Enabled && u.Username ? [u.Username] : [])), next };
    });
  }

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

  /**
   * AdminGetUser of a user that cannot exist: its UserNotFoundException proves the endpoint, the
   * pool, the credentials and the IAM permission at once. It counts against UserRead, the largest
   * per-pool quota, rather than DescribeUserPool's small UserPoolRead quota or the ListUsers quota
   * that every signup spends.
   */
  async probe(): Promise<void> {
    try {
      await this.cognito.call((c) =>
        c.send(new AdminGetUserCommand({ UserPoolId: this.cognito.userPoolId, Username: PROBE_USERNAME })),
      );
    } catch (error) {
      if (!(error instanceof UserNotFoundError)) throw error;
    }
  }

  /** One call that changes the account: this instance's recent read of it is forgotten first. */
  private async changing(username: string, send: Parameters<CognitoClient['call']>[0]): Promise<void> {
    this.recentReads.forget(username);
    await this.cognito.call(send);
  }

  private write(username: string, attributes: Record<string, string>): Promise<void> {
    return this.changing(username, (c) =>
      c.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.cognito.userPoolId,
          Username: username,
          UserAttributes: toAttributes(attributes),
        }),
      ),
    );
  }

  private remove(username: string, names: string[]): Promise<void> {
    return this.changing(username, (c) =>
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
