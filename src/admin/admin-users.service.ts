import { Injectable } from '@nestjs/common';
import { InvitationsService } from '../accounts/signup/invitations.service';
import type { Principal } from '../auth/principal';
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

/**
 * The operator's own actions (invite, list, read); what an admin shares with the user (sign-out,
 * delete, disable) is the lifecycle's. Each is audited with the admin's username.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly invitations: InvitationsService,
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
}
