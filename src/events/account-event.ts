import { randomUUID } from 'node:crypto';
import type { Account, AccountState } from '../cognito/account';

/** The catalogue's version: bumped only when a field changes meaning or goes; new fields keep it. */
export const EVENT_VERSION = 1;

/** Every event type, in the order an account usually meets them. */
export const EVENT_TYPES = [
  'account.invited',
  'account.activated',
  'account.email_changed',
  'account.email_restored',
  'account.password_reset',
  'account.sessions_revoked',
  'account.mfa_enabled',
  'account.mfa_disabled',
  'account.disabled',
  'account.enabled',
  'account.deleted',
] as const;

export type AccountEventType = (typeof EVENT_TYPES)[number];

/** What a consumer keeps per account: `deleted` once the Cognito user is gone. */
export type AccountStatus = AccountState | 'deleted';
export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['invited', 'active', 'disabled', 'deleted'];

/** The account after the event: a consumer applies events in any order by keeping the newest. */
export interface AccountSnapshot {
  email: string | null;
  emailVerified: boolean;
  status: AccountStatus;
}

/** An address change: the old and the new address. */
export interface EmailChange {
  previousEmail: string;
  email: string;
}

export interface AccountEvent {
  /** Unique per event and stable across deliveries: the receiver's idempotency key (`webhook-id`). */
  id: string;
  type: AccountEventType;
  version: number;
  /** When Cognito accepted the change (ISO 8601, milliseconds). */
  occurredAt: string;
  data: {
    username: string;
    sub: string;
    account: AccountSnapshot;
    change?: EmailChange;
  };
}

/** The account as an event tells it: what the flow read, with what the event itself decides. */
export type EventAccount = Pick<Account, 'username' | 'sub' | 'email' | 'emailVerified' | 'state'>;

/** The status an event type decides, whatever the account looked like when the flow read it. */
const STATUS_AFTER: Partial<Record<AccountEventType, AccountStatus>> = {
  'account.invited': 'invited',
  'account.activated': 'active',
  'account.email_changed': 'active',
  'account.email_restored': 'active',
  'account.password_reset': 'active',
  'account.disabled': 'disabled',
  'account.deleted': 'deleted',
};

/**
 * Builds an event; only fields named here leave the service, so no token, seal or password (all
 * stored on the Cognito user as custom attributes) can ride along with the account.
 */
export function accountEvent(
  type: AccountEventType,
  account: EventAccount,
  occurredAt: Date,
  change?: EmailChange,
): AccountEvent {
  if (!account.sub) throw new Error(`Cognito returned no sub for ${account.username}`);
  const email = change?.email ?? account.email ?? null;
  return {
    id: randomUUID(),
    type,
    version: EVENT_VERSION,
    occurredAt: occurredAt.toISOString(),
    data: {
      username: account.username,
      sub: account.sub,
      account: {
        email,
        emailVerified: change || type === 'account.activated' ? true : account.emailVerified,
        status: STATUS_AFTER[type] ?? account.state,
      },
      ...(change ? { change: { previousEmail: change.previousEmail, email: change.email } } : {}),
    },
  };
}

/** Whether an endpoint's filter lets a type through: exact types, or `*` for all. */
export const wants = (filter: readonly string[], type: AccountEventType): boolean =>
  filter.includes('*') || filter.includes(type);
