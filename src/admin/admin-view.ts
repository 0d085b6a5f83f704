import { Injectable } from '@nestjs/common';
import { lastExpiry } from '../accounts/link-secret';
import { InvitationsService } from '../accounts/signup/invitations.service';
import { Clock } from '../common/clock';
import type { Account } from '../cognito/account';
import { adminStateOf, type AdminState } from './admin-state';
import type { AdminUserDto } from './dto/admin-user.dto';

/** Turns accounts into what operators see, at one instant: state, invitation and pending-change expiry. */
@Injectable()
export class AdminView {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  stateOf(account: Account, now = this.clock.now()): AdminState {
    return adminStateOf(account, this.invitations.expiresAt(account), now);
  }

  /** When the pending change's link expires; undefined when nothing readable is pending (cleared, spent). */
  pendingExpiresAt(account: Account): Date | undefined {
    return lastExpiry(account.pendingEmailSecret);
  }

  toDto(account: Account, now = this.clock.now()): AdminUserDto {
    return {
      username: account.username,
      email: account.email ?? null,
      emailVerified: account.emailVerified,
      state: this.stateOf(account, now),
      invitationExpiresAt:
        account.state === 'invited' ? this.invitations.expiresAt(account).toISOString() : null,
      createdAt: account.createdAt.toISOString(),
      updatedAt: account.updatedAt.toISOString(),
      pendingEmail: account.pendingEmail || null,
      pendingEmailExpiresAt: this.pendingExpiresAt(account)?.toISOString() ?? null,
      totpMfa: account.totpMfa ?? null,
    };
  }
}
