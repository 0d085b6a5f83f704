import type { Account, NewAccount } from './account';

/** ListUsers returns at most this many users a call. */
export const MAX_PAGE_SIZE = 60;

/**
 * What one ListUsers call can select on: Cognito filters on one attribute at a time, so a query
 * says which one. `invited` is Cognito's FORCE_CHANGE_PASSWORD; `enabled` is its `status`.
 */
export type DirectoryQuery =
  | { email: string }
  | { emailPrefix: string }
  | { invited: true }
  | { enabled: boolean }
  | Record<string, never>;

export interface DirectoryPage {
  accounts: Account[];
  /** Where the next page starts (opaque); undefined on the last page. */
  next?: string;
}

/** The parts of an account that an email-change clean-up looks at. */
export type PendingChangeRead = Pick<Account, 'pendingEmail' | 'pendingEmailSecret'>;

/**
 * The user pool, in this service's words: one method per verb, each taking and returning accounts,
 * never a Cognito type. The only place that knows attribute names and ListUsers filters; its
 * failures arrive as domain errors (common/errors.ts). Every verb that changes an account forgets
 * this instance's recent read of it (see `getRecentAccount`).
 *
 * An abstract class so that it is both the injection token and the base a fake extends.
 */
export abstract class CognitoGateway {
  /** The account as the pool has it now. @throws UserNotFoundError */
  abstract getAccount(username: string): Promise<Account>;

  /**
   * The account as read at most a few seconds ago by this instance: for showing a profile, never
   * for checking a secret. Writes made here are seen at once; another instance's a few seconds later.
   */
  abstract getRecentAccount(username: string): Promise<Account>;

  /**
   * One page of at most `limit` (≤ 60) accounts; `next` continues an earlier page of the same query.
   * A `next` Cognito cannot read (garbage, forged, or another query's) is InvalidCursorError.
   */
  abstract listPage(query: DirectoryQuery, limit: number, next?: string): Promise<DirectoryPage>;

  /** Every matching account (every page, 60 a call: 167 calls for 10 000 users). */
  async listAll(query: DirectoryQuery = {}): Promise<Account[]> {
    const accounts: Account[] = [];
    let next: string | undefined;
    do {
      const page = await this.listPage(query, MAX_PAGE_SIZE, next);
      accounts.push(...page.accounts);
      next = page.next;
    } while (next);
    return accounts;
  }

  /**
   * Creates an invited account that gets no message from Cognito (the caller sends its own) and no
   * password anyone knows; activation sets the user's own. A retry that meets its own first try (the
   * same username) returns the account as it is.
   */
  abstract createInvitedAccount(
    username: string,
    account: NewAccount,
    activationSecrets: string,
  ): Promise<Account>;

  /** Replaces the seals of an invited account's activation links. */
  abstract storeActivationSecrets(username: string, activationSecrets: string): Promise<void>;

  /**
   * Sets the user's own password for good (an invited account becomes active). A password the
   * pool's policy refuses is InvalidPasswordError and changes nothing.
   */
  abstract setPassword(username: string, password: string): Promise<void>;

  /** The account's email is verified (so password reset works for it). */
  abstract markEmailVerified(username: string): Promise<void>;

  /** Stores a new address and its sealed secret, replacing any earlier pending change. */
  abstract storePendingEmailChange(username: string, email: string, sealedSecret: string): Promise<void>;

  /**
   * Makes `email` the account's verified address and overwrites the pending change's secret with
   * `spentMarker`, in one call: either all of it happens or none.
   */
  abstract applyEmailChange(username: string, email: string, spentMarker: string): Promise<void>;

  /**
   * Removes a pending change. Given the account as read, only what it holds is removed and nothing
   * is called when it holds none: answers whether anything was removed. Without it, all is removed.
   */
  abstract clearPendingEmailChange(username: string, read?: PendingChangeRead): Promise<boolean>;

  /** Stores the seal of a password-reset link, replacing an earlier one (whose link stops working). */
  abstract storePasswordResetSecret(username: string, sealedSecret: string): Promise<void>;

  /** Removes the password-reset seal. Call it only when the account holds one. */
  abstract clearPasswordResetSecret(username: string): Promise<void>;

  /** Stores what the "this wasn't me" link of the last email change needs (opaque here). */
  abstract storeEmailRestore(username: string, record: string): Promise<void>;

  /**
   * Puts `email` back as the account's verified address and overwrites the restore record with
   * `spentMarker`, in one call: either all of it happens or none.
   */
  abstract restoreEmail(username: string, email: string, spentMarker: string): Promise<void>;

  /** Removes the restore record. Call it only when the account holds one. */
  abstract clearEmailRestore(username: string): Promise<void>;

  /**
   * Ends every session of the user at Cognito: its refresh tokens stop working, and Cognito refuses
   * its access tokens from now on. Tokens verified locally are not told (see Revocations).
   */
  abstract signOutEverywhere(username: string): Promise<void>;

  /**
   * Turns every second sign-in factor of the user off (an authenticator app enrolled by whoever held
   * a session stops being asked for); the user can enrol again.
   */
  abstract turnOffMfa(username: string): Promise<void>;

  /**
   * Starts an authenticator-app set-up for the token's user (`username`): the shared secret (base32)
   * the app is given. Nothing is enabled until `enableTotp` verifies a first code.
   */
  abstract startTotpSetup(username: string, accessToken: string): Promise<string>;

  /**
   * Verifies the set-up's first code, then makes TOTP the user's enabled, preferred second factor.
   * A wrong code, or no set-up started, is InvalidMfaCodeError and enables nothing.
   */
  abstract enableTotp(username: string, accessToken: string, code: string): Promise<void>;

  abstract disable(username: string): Promise<void>;

  abstract enable(username: string): Promise<void>;

  abstract deleteAccount(username: string): Promise<void>;

  /** The groups the user is in now (not as the token says: membership may have changed since). */
  abstract groupsOf(username: string): Promise<string[]>;

  /** The usernames of the group's members whose accounts are enabled, as Cognito lists them. */
  abstract enabledMembersOf(group: string): Promise<string[]>;

  /**
   * Asks Cognito whether an access token is still good: refused (UnauthenticatedError) once the user
   * signed out everywhere, was disabled or deleted, or the token was revoked.
   */
  abstract assertTokenLive(accessToken: string): Promise<void>;

  /** Resolves when Cognito answers this service; otherwise throws why (unreachable, throttled, denied). */
  abstract probe(): Promise<void>;
}
