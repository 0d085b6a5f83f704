import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AccountLifecycleService } from '../accounts/lifecycle/account-lifecycle.service';
import { MfaService } from '../accounts/mfa/mfa.service';
import type { Principal } from '../auth/principal';
import { CognitoGateway } from '../cognito/cognito-gateway';
import { LastAdminError, OwnAccountError, UserNotFoundError } from '../common/errors';
import { adminConfig } from '../config/configuration';
import { KEYED_LOCK, type KeyedLock } from '../coordination/coordination.types';
import { AuditLog } from '../logging/audit-log';

/** What an admin does to one account that the account's user could also do (or suffer). */
export type AdminAction = 'disable' | 'enable' | 'sign-out' | 'delete' | 'reset-mfa';

/**
 * Where the caller does it to their own account instead. `enable` is missing: it cannot lock anyone
 * out (a disabled admin could not call it anyway).
 */
const SELF_SERVICE: Record<Exclude<AdminAction, 'enable'>, string> = {
  disable: 'POST /accounts/me/sessions/revoke to end your sessions, or DELETE /accounts/me to close it',
  'sign-out': 'POST /accounts/me/sessions/revoke',
  delete: 'DELETE /accounts/me',
  'reset-mfa': 'DELETE /accounts/me/mfa/totp',
};

/** One lock for every removal of an admin: two admins removing each other at once must not both win. */
const ADMIN_REMOVAL_LOCK = 'admin-group:removal';

/**
 * The admin API's actions on an account, with what keeps admins from harming the admin group: the
 * caller's own account is refused (a click would lock the caller out; the self-service routes do it
 * knowingly), the last enabled admin is never disabled or deleted, and every action on another
 * admin is audited with who did what to whom.
 */
@Injectable()
export class AdminActionsService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly lifecycle: AccountLifecycleService,
    private readonly mfa: MfaService,
    private readonly audit: AuditLog,
    @Inject(KEYED_LOCK) private readonly lock: KeyedLock,
    @Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>,
  ) {}

  disable(admin: Principal, username: string): Promise<void> {
    return this.act(admin, username, 'disable', () =>
      this.lifecycle.disable(username, { admin: admin.username }),
    );
  }

  enable(admin: Principal, username: string): Promise<void> {
    return this.act(admin, username, 'enable', () =>
      this.lifecycle.enable(username, { admin: admin.username }),
    );
  }

  signOut(admin: Principal, username: string): Promise<void> {
    return this.act(admin, username, 'sign-out', () =>
      this.lifecycle.signOut(username, { admin: admin.username }),
    );
  }

  delete(admin: Principal, username: string): Promise<void> {
    return this.act(admin, username, 'delete', () =>
      this.lifecycle.delete(username, { admin: admin.username }),
    );
  }

  /** For a user who lost the authenticator: sign-in asks for the password only, until set up anew. */
  resetMfa(admin: Principal, username: string): Promise<void> {
    return this.act(admin, username, 'reset-mfa', () =>
      this.mfa.disable(username, { admin: admin.username }),
    );
  }

  private async act(admin: Principal, username: string, action: AdminAction, work: () => Promise<void>) {
    if (action !== 'enable' && username.toLowerCase() === admin.username.toLowerCase()) {
      throw new OwnAccountError(SELF_SERVICE[action]);
    }
    if (!(await this.cognito.groupsOf(username)).includes(this.config.group)) return work();
    const audited = async () => {
      await work();
      this.audit.record('admin.acted-on-admin', { admin: admin.username, username, action });
    };
    if (action !== 'disable' && action !== 'delete') return audited();
    await this.lock.run(ADMIN_REMOVAL_LOCK, async () => {
      await this.assertAnotherAdminRemains(username);
      await audited();
    });
  }

  /** Another member of the group can sign in: read one by one (the group's list may lag behind). */
  private async assertAnotherAdminRemains(username: string): Promise<void> {
    const others = (await this.cognito.enabledMembersOf(this.config.group)).filter((u) => u !== username);
    for (const other of others) {
      const account = await this.cognito.getAccount(other).catch((error: unknown) => {
        if (error instanceof UserNotFoundError) return undefined;
        throw error;
      });
      if (account?.state === 'active') return;
    }
    throw new LastAdminError();
  }
}
