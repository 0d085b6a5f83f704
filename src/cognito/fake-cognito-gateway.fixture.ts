import { randomUUID } from 'node:crypto';
import {
  InvalidMfaCodeError,
  InvalidPasswordError,
  UnauthenticatedError,
  UserNotFoundError,
} from '../common/errors';
import type { Account, NewAccount } from './account';
import {
  MAX_PAGE_SIZE,
  CognitoGateway,
  type DirectoryPage,
  type DirectoryQuery,
  type PendingChangeRead,
} from './cognito-gateway';

type Verb = keyof CognitoGateway;

/** The secret every fake set-up hands out, and the one code the fake accepts for it. */
export const FAKE_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const FAKE_TOTP_CODE = '123456';

/** Cognito's default policy, as far as unit specs need it: 8 characters at least. */
const MIN_PASSWORD_LENGTH = 8;

/**
 * The user pool in memory, for unit specs: the gateway's verbs with the pool's rules the services
 * rely on (an unknown user is UserNotFoundError, a retried create meets its first try, a weak
 * password changes nothing). Every call is written down in `calls` (`verb username`), and `failNext`
 * makes one verb fail once, to see what a service does on an outage. Never imported by `src/` code
 * outside specs (`*.fixture.ts` files are left out of the build).
 */
export class FakeCognitoGateway extends CognitoGateway {
  readonly calls: string[] = [];
  /** Access tokens Cognito would still accept (GetUser): `token` → username. */
  readonly liveTokens = new Map<string, string>();
  /** Whether `probe` finds Cognito. */
  reachable = true;
  /** Group name → its members' usernames. */
  readonly groups = new Map<string, Set<string>>();
  private readonly users = new Map<string, Account>();
  private readonly faults = new Map<Verb, Error>();
  /** Users with a TOTP set-up started and not verified yet. */
  private readonly totpSetups = new Set<string>();

  /** Puts an account in the pool; unset fields get an active, verified account's values. */
  add(fields: Partial<Account> = {}): Account {
    const now = new Date();
    const account: Account = {
      username: randomUUID(),
      emailVerified: true,
      state: 'active',
      createdAt: now,
      updatedAt: now,
      sub: randomUUID(),
      ...fields,
    };
    this.users.set(account.username, account);
    return { ...account };
  }

  /** The account as stored now, or undefined; no call is written down. */
  peek(username: string): Account | undefined {
    const account = this.users.get(username);
    return account && { ...account };
  }

  /** The next call of `verb` throws `error` (once). */
  failNext(verb: Verb, error: Error): void {
    this.faults.set(verb, error);
  }

  /** The calls of one verb, by username (or query), in order. */
  callsOf(verb: Verb): string[] {
    return this.calls
      .filter((call) => call.startsWith(`${verb} `))
      .map((call) => call.slice(verb.length + 1));
  }

  getAccount(username: string): Promise<Account> {
    return this.run('getAccount', username, () => ({ ...this.existing(username) }));
  }

  getRecentAccount(username: string): Promise<Account> {
    return this.run('getRecentAccount', username, () => ({ ...this.existing(username) }));
  }

  listPage(query: DirectoryQuery, limit: number, next?: string): Promise<DirectoryPage> {
    return this.run('listPage', JSON.stringify(query), () => {
      const matching = [...this.users.values()].filter((account) => matches(account, query));
      const start = Number(next ?? 0);
      const end = start + Math.min(limit, MAX_PAGE_SIZE);
      const accounts = matching.slice(start, end).map((account) => ({ ...account }));
      return { accounts, next: end < matching.length ? String(end) : undefined };
    });
  }

  createInvitedAccount(username: string, { email, locale }: NewAccount, activationSecrets: string) {
    return this.run('createInvitedAccount', username, () => {
      const earlier = this.users.get(username);
      if (earlier) return { ...earlier };
      return this.add({ username, email, locale, emailVerified: false, state: 'invited', activationSecrets });
    });
  }

  storeActivationSecrets(username: string, activationSecrets: string): Promise<void> {
    return this.update('storeActivationSecrets', username, { activationSecrets });
  }

  setPassword(username: string, password: string): Promise<void> {
    return this.run('setPassword', username, () => {
      const account = this.existing(username);
      if (password.length < MIN_PASSWORD_LENGTH) throw new InvalidPasswordError('Password too short');
      if (account.state === 'invited') account.state = 'active';
    });
  }

  markEmailVerified(username: string): Promise<void> {
    return this.update('markEmailVerified', username, { emailVerified: true });
  }

  storePendingEmailChange(username: string, email: string, sealedSecret: string): Promise<void> {
    return this.update('storePendingEmailChange', username, {
      pendingEmail: email,
      pendingEmailSecret: sealedSecret,
    });
  }

  applyEmailChange(username: string, email: string, spentMarker: string): Promise<void> {
    return this.update('applyEmailChange', username, {
      email,
      emailVerified: true,
      pendingEmailSecret: spentMarker,
    });
  }

  clearPendingEmailChange(username: string, read?: PendingChangeRead): Promise<boolean> {
    return this.run('clearPendingEmailChange', username, () => {
      const account = this.existing(username);
      if (read && read.pendingEmail === undefined && read.pendingEmailSecret === undefined) return false;
      delete account.pendingEmail;
      delete account.pendingEmailSecret;
      return true;
    });
  }

  storePasswordResetSecret(username: string, sealedSecret: string): Promise<void> {
    return this.update('storePasswordResetSecret', username, { passwordResetSecret: sealedSecret });
  }

  clearPasswordResetSecret(username: string): Promise<void> {
    return this.update('clearPasswordResetSecret', username, { passwordResetSecret: undefined });
  }

  storeEmailRestore(username: string, record: string): Promise<void> {
    return this.update('storeEmailRestore', username, { emailRestore: record });
  }

  restoreEmail(username: string, email: string, spentMarker: string): Promise<void> {
    return this.update('restoreEmail', username, { email, emailVerified: true, emailRestore: spentMarker });
  }

  clearEmailRestore(username: string): Promise<void> {
    return this.update('clearEmailRestore', username, { emailRestore: undefined });
  }

  signOutEverywhere(username: string): Promise<void> {
    return this.run('signOutEverywhere', username, () => {
      this.existing(username);
      for (const [token, owner] of this.liveTokens) if (owner === username) this.liveTokens.delete(token);
    });
  }

  turnOffMfa(username: string): Promise<void> {
    return this.update('turnOffMfa', username, { totpMfa: false });
  }

  startTotpSetup(username: string): Promise<string> {
    return this.run('startTotpSetup', username, () => {
      this.existing(username);
      this.totpSetups.add(username);
      return FAKE_TOTP_SECRET;
    });
  }

  enableTotp(username: string, _accessToken: string, code: string): Promise<void> {
    return this.run('enableTotp', username, () => {
      const account = this.existing(username);
      if (!this.totpSetups.has(username) || code !== FAKE_TOTP_CODE) throw new InvalidMfaCodeError();
      this.totpSetups.delete(username);
      account.totpMfa = true;
    });
  }

  disable(username: string): Promise<void> {
    return this.update('disable', username, { state: 'disabled' });
  }

  enable(username: string): Promise<void> {
    return this.run('enable', username, () => {
      const account = this.existing(username);
      if (account.state === 'disabled') account.state = 'active';
    });
  }

  deleteAccount(username: string): Promise<void> {
    return this.run('deleteAccount', username, () => {
      this.existing(username);
      this.users.delete(username);
    });
  }

  groupsOf(username: string): Promise<string[]> {
    return this.run('groupsOf', username, () => {
      this.existing(username);
      return [...this.groups].filter(([, members]) => members.has(username)).map(([group]) => group);
    });
  }

  enabledMembersOf(group: string): Promise<string[]> {
    return this.run('enabledMembersOf', group, () =>
      [...(this.groups.get(group) ?? [])].filter(
        (username) => this.users.get(username)?.state !== 'disabled',
      ),
    );
  }

  assertTokenLive(accessToken: string): Promise<void> {
    return this.run('assertTokenLive', '-', () => {
      const owner = this.liveTokens.get(accessToken);
      if (!owner || this.users.get(owner)?.state === 'disabled') {
        throw new UnauthenticatedError('Access token is no longer valid: sign in again');
      }
    });
  }

  probe(): Promise<void> {
    return this.run('probe', '-', () => {
      if (!this.reachable) throw new Error('Cognito unreachable');
    });
  }

  private existing(username: string): Account {
    const account = this.users.get(username);
    if (!account) throw new UserNotFoundError();
    return account;
  }

  private update(verb: Verb, username: string, fields: Partial<Account>): Promise<void> {
    return this.run(verb, username, () => {
      Object.assign(this.existing(username), fields, { updatedAt: new Date() });
    });
  }

  /** Writes the call down, throws a planted fault, else runs it (asynchronously, like the pool). */
  private async run<T>(verb: Verb, subject: string, work: () => T): Promise<T> {
    this.calls.push(`${verb} ${subject}`);
    await Promise.resolve();
    const fault = this.faults.get(verb);
    if (fault) {
      this.faults.delete(verb);
      throw fault;
    }
    return work();
  }
}

function matches(account: Account, query: DirectoryQuery): boolean {
  if ('email' in query) return account.email === query.email;
  if ('emailPrefix' in query) return account.email?.startsWith(query.emailPrefix) ?? false;
  if ('invited' in query) return account.state === 'invited';
  if ('enabled' in query) return (account.state !== 'disabled') === query.enabled;
  return true;
}
