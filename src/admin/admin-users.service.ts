import { Injectable } from '@nestjs/common';
import { InvitationsService } from '../accounts/signup/invitations.service';
import { subOf } from '../accounts/sessions/sessions.service';
import type { Principal } from '../auth/principal';
import { Revocations } from '../auth/revocations';
import { CognitoGateway, type DirectoryQuery } from '../cognito/cognito-gateway';
import { AuditLog } from '../logging/audit-log';
import type { AdminState } from './admin-state';
import { AdminView } from './admin-view';
import type { AdminUserDto, AdminUserPageDto, InvitationDto, ListUsersQueryDto } from './dto/admin-user.dto';

/** Cognito filters on one attribute per call: the email prefix if given, else the state's nearest filter. */
function directoryQuery(state: AdminState | undefined, email: string | undefined): DirectoryQuery {
  if (email) return { emailPrefix: email };
  switch (state) {
    case 'invited':
    case 'invitation-expired':
      return { invited: true };
    case 'active':
      return { enabled: true };
    case 'disabled':
      return { enabled: false };
    case undefined:
      return {};
  }
}

/** The operator's actions on accounts; each is audited with the admin's username. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly invitations: InvitationsService,
    private readonly revocations: Revocations,
    private readonly view: AdminView,
    private readonly audit: AuditLog,
  ) {}

  async invite(admin: Principal, email: string, locale?: string): Promise<InvitationDto> {
    const { username, expiresAt } = await this.invitations.invite(email, locale, admin.username);
    this.audit.record('admin.invited', { username, admin: admin.username });
    return { username, state: 'invited', expiresAt: expiresAt.toISOString() };
  }

  /**
   * One ListUsers page, narrowed to `state` here when Cognito could not filter on it: a page may
   * then hold fewer than `limit` users, even none, while `cursor` says more follow.
   */
  async list({ state, email, cursor, limit = 60 }: ListUsersQueryDto): Promise<AdminUserPageDto> {
    const page = await this.cognito.listPage(directoryQuery(state, email), limit, cursor);
    const now = this.view.now();
    const users = page.accounts
      .map((account) => this.view.toDto(account, now))
      .filter((user) => !state || user.state === state);
    return { users, cursor: page.next ?? null };
  }

  async get(username: string): Promise<AdminUserDto> {
    return this.view.toDto(await this.cognito.getAccount(username));
  }

  async renewInvitation(admin: Principal, username: string): Promise<InvitationDto> {
    const { expiresAt } = await this.invitations.renew(username);
    this.audit.record('admin.invitation-renewed', { username, admin: admin.username });
    return { username, state: 'invited', expiresAt: expiresAt.toISOString() };
  }

  /** Disables the account, ends every session, and makes this service refuse its tokens at once. */
  async disable(admin: Principal, username: string): Promise<void> {
    await this.revokeSessions(username);
    await this.cognito.disable(username);
    this.audit.record('admin.disabled', { username, admin: admin.username });
  }

  async enable(admin: Principal, username: string): Promise<void> {
    await this.cognito.enable(username);
    this.audit.record('admin.enabled', { username, admin: admin.username });
  }

  async signOut(admin: Principal, username: string): Promise<void> {
    await this.revokeSessions(username);
    this.audit.record('admin.signed-out', { username, admin: admin.username });
  }

  async delete(admin: Principal, username: string): Promise<void> {
    const sub = await this.cognito.getAccount(username).then(subOf);
    // Real time, not the service clock: the mark is compared with the tokens' own `iat`.
    await this.revocations.revokeAll(sub, new Date());
    await this.cognito.deleteAccount(username);
    this.audit.record('admin.deleted', { username, admin: admin.username });
  }

  /**
   * The mark first (this service refuses the tokens even if a Cognito call below fails), then
   * Cognito's global sign-out, which stops the refresh tokens everywhere else.
   */
  private async revokeSessions(username: string): Promise<void> {
    const sub = await this.cognito.getAccount(username).then(subOf);
    await this.revocations.revokeAll(sub, new Date());
    await this.cognito.signOutEverywhere(username);
  }
}
