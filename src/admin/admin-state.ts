import type { Account } from '../cognito/account';

/** An account's state as operators see it: an invitation past its link's validity is told apart. */
export const ADMIN_STATES = ['invited', 'invitation-expired', 'active', 'disabled'] as const;
export type AdminState = (typeof ADMIN_STATES)[number];

/** The operator's state of an account, given when its invitation (if any) expires. */
export function adminStateOf(
  account: Pick<Account, 'state'>,
  invitationExpiresAt: Date,
  now: Date,
): AdminState {
  if (account.state !== 'invited') return account.state;
  return now >= invitationExpiresAt ? 'invitation-expired' : 'invited';
}
