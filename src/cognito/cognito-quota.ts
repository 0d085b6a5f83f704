import { IdentityProviderUnavailableError } from '../common/errors';
import type { CounterStore } from '../coordination/coordination.types';

/**
 * Cognito's request-rate quotas are per account and Region, per category of operations, shared by
 * every app in the account ("Quotas in Amazon Cognito", API operation categories). Defaults are the
 * published ones (requests per second) for the operations this service calls.
 */
export const QUOTA_CATEGORIES = {
  UserAuthentication: 120,
  UserCreation: 50,
  UserRead: 120,
  UserList: 30,
  UserUpdate: 25,
  UserAccountRecovery: 30,
} as const;

export type QuotaCategory = keyof typeof QUOTA_CATEGORIES;

const CATEGORY_OF: Record<string, QuotaCategory> = {
  AdminInitiateAuth: 'UserAuthentication',
  AdminRespondToAuthChallenge: 'UserAuthentication',
  InitiateAuth: 'UserAuthentication',
  AdminCreateUser: 'UserCreation',
  AdminGetUser: 'UserRead',
  GetUser: 'UserRead',
  ListUsers: 'UserList',
  ListUsersInGroup: 'UserList',
  AdminListGroupsForUser: 'UserRead',
  AdminUpdateUserAttributes: 'UserUpdate',
  AdminDeleteUserAttributes: 'UserUpdate',
  AdminSetUserPassword: 'UserUpdate',
  AdminDisableUser: 'UserUpdate',
  AdminSetUserMFAPreference: 'UserUpdate',
  SetUserMFAPreference: 'UserUpdate',
  AssociateSoftwareToken: 'UserAuthentication',
  VerifySoftwareToken: 'UserAuthentication',
  AdminEnableUser: 'UserUpdate',
  AdminDeleteUser: 'UserUpdate',
  AdminUserGlobalSignOut: 'UserUpdate',
  AdminAddUserToGroup: 'UserUpdate',
  AdminResetUserPassword: 'UserAccountRecovery',
};

/** The category an operation counts against, e.g. `ListUsers` → `UserList`; undefined for others. */
export const quotaCategory = (operation: string): QuotaCategory | undefined =>
  CATEGORY_OF[operation.replace(/Command$/, '')];

export interface QuotaOptions {
  /** Requests per second per category, for all instances together (defaults: QUOTA_CATEGORIES). */
  limits: Record<QuotaCategory, number>;
  /** Share of each quota left to the account's other apps, e.g. 0.2 keeps 20 % free. */
  margin: number;
  /** Longest a call waits for room before it fails as an outage (a job then retries it later). */
  maxWaitMs: number;
}

/** Parses `UserCreation=40,UserList=20` over the defaults; throws on an unknown category or a bad number. */
export function parseQuotaLimits(value: string | undefined): Record<QuotaCategory, number> {
  const limits: Record<QuotaCategory, number> = { ...QUOTA_CATEGORIES };
  for (const pair of (value ?? '').split(',').filter((part) => part.trim())) {
    const [name, rate] = pair.split('=').map((part) => part.trim());
    if (!name || !(name in QUOTA_CATEGORIES) || !/^\d+(\.\d+)?$/.test(rate ?? '') || Number(rate) <= 0) {
      throw new Error(
        `"${pair}" is not <category>=<requests per second> with a category of ${Object.keys(QUOTA_CATEGORIES).join(', ')}`,
      );
    }
    limits[name as QuotaCategory] = Number(rate);
  }
  return limits;
}

/** The calls per second the service allows itself in `category`: its quota less the margin, at least 1. */
export const allowedRate = (options: Pick<QuotaOptions, 'limits' | 'margin'>, category: QuotaCategory) =>
  Math.max(1, Math.floor(options.limits[category] * (1 - options.margin)));

/**
 * Keeps this service's calls, across every instance sharing the counter store (Redis), under each
 * category's quota less the margin: each call books the next free slot of its category's schedule,
 * one slot every 1 / (allowed per second), and waits for it. No second ever holds more than its
 * share, bursts included; an idle category answers at once.
 */
export class CognitoQuota {
  constructor(
    private readonly store: CounterStore,
    private readonly options: QuotaOptions,
    private readonly sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** The calls per second this service allows itself in `category`. */
  allowed(category: QuotaCategory): number {
    return allowedRate(this.options, category);
  }

  async acquire(operation: string): Promise<void> {
    const category = quotaCategory(operation);
    if (!category) return;
    const wait = await this.store.reserveSlot(`cognito-quota:${category}`, 1_000 / this.allowed(category));
    // The slot stays booked: a call that gives up costs its category one slot, never more.
    if (wait > this.options.maxWaitMs) throw new IdentityProviderUnavailableError();
    if (wait > 0) await this.sleep(wait);
  }
}
