import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Injectable } from '@nestjs/common';
import { InvalidCursorError } from '../common/errors';
import { Account, toAccount, toRecord } from './account';
import { CognitoClient } from './cognito-client';
import { isRefusedParameter } from './cognito-errors';
import { RecentAccounts } from './recent-accounts';

/** ListUsers returns at most this many users a call. */
export const MAX_PAGE_SIZE = 60;

/** Cognito refuses a ListUsers filter longer than this. */
const MAX_FILTER_LENGTH = 256;

/**
 * What one ListUsers call can select on: Cognito filters on one attribute at a time, so a query
 * says which one. `invited` is Cognito's FORCE_CHANGE_PASSWORD; `enabled` is its `status`.
 */
export type DirectoryQuery =
  { emailPrefix: string } | { invited: true } | { enabled: boolean } | Record<string, never>;

export interface DirectoryPage {
  accounts: Account[];
  /** Cognito's pagination token for the next page; undefined on the last page. */
  next?: string;
}

const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The ListUsers filter for a query, or undefined for every user. */
export function listFilter(query: DirectoryQuery): string | undefined {
  let filter: string | undefined;
  if ('emailPrefix' in query) filter = `email ^= ${quoted(query.emailPrefix)}`;
  else if ('invited' in query) filter = `cognito:user_status = "FORCE_CHANGE_PASSWORD"`;
  else if ('enabled' in query) filter = `status = "${query.enabled ? 'Enabled' : 'Disabled'}"`;
  if (filter && filter.length > MAX_FILTER_LENGTH) {
    throw new RangeError(`ListUsers filter over ${MAX_FILTER_LENGTH} characters`);
  }
  return filter;
}

/**
 * The admin API's view of the user pool: listing page by page, and the operator's actions on one
 * user. Built on the shared CognitoClient (quotas, error mapping), next to CognitoService.
 */
@Injectable()
export class CognitoDirectory {
  constructor(
    private readonly cognito: CognitoClient,
    private readonly recentReads: RecentAccounts,
  ) {}

  /**
   * One page of at most `limit` (≤ 60) users; `token` continues an earlier page of the same query.
   * A token Cognito cannot read (garbage, forged, or another query's) is InvalidCursorError.
   */
  async listPage(query: DirectoryQuery, limit: number, token?: string): Promise<DirectoryPage> {
    const filter = listFilter(query);
    const page = await this.cognito
      .call((c) =>
        c.send(
          new ListUsersCommand({
            UserPoolId: this.cognito.userPoolId,
            Filter: filter,
            Limit: Math.min(limit, MAX_PAGE_SIZE),
            PaginationToken: token,
          }),
        ),
      )
      .catch((error: unknown) => {
        throw token !== undefined && isRefusedParameter(error)
          ? new InvalidCursorError({ cause: error })
          : error;
      });
    return { accounts: (page.Users ?? []).map(toAccount), next: page.PaginationToken || undefined };
  }

  /** Every user of the pool (every page, 60 a call: 167 calls for 10 000 users). */
  async listAll(query: DirectoryQuery = {}): Promise<Account[]> {
    const accounts: Account[] = [];
    let token: string | undefined;
    do {
      const page = await this.listPage(query, MAX_PAGE_SIZE, token);
      accounts.push(...page.accounts);
      token = page.next;
    } while (token);
    return accounts;
  }

  /** The user's immutable `sub` (what access tokens and revocation marks name). */
  async subjectOf(username: string): Promise<string> {
    const user = await this.cognito.call((c) =>
      c.send(new AdminGetUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
    return toRecord(user.UserAttributes).sub ?? '';
  }

  async disable(username: string): Promise<void> {
    this.recentReads.forget(username);
    await this.cognito.call((c) =>
      c.send(new AdminDisableUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  async enable(username: string): Promise<void> {
    this.recentReads.forget(username);
    await this.cognito.call((c) =>
      c.send(new AdminEnableUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  async delete(username: string): Promise<void> {
    this.recentReads.forget(username);
    await this.cognito.call((c) =>
      c.send(new AdminDeleteUserCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }

  /** Ends every session: Cognito stops the user's refresh tokens (access tokens live on until they expire). */
  async signOutEverywhere(username: string): Promise<void> {
    this.recentReads.forget(username);
    await this.cognito.call((c) =>
      c.send(new AdminUserGlobalSignOutCommand({ UserPoolId: this.cognito.userPoolId, Username: username })),
    );
  }
}
