import type { Account } from '../cognito/account';
import { accountEvent, EVENT_TYPES, wants } from './account-event';

/** An account as Cognito returns it, with every secret this service stores on it. */
const account: Account = {
  username: 'u-1',
  sub: 's-1',
  email: 'jane@example.com',
  emailVerified: true,
  locale: 'en',
  state: 'active',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  pendingEmail: 'jane@new.example.com',
  pendingEmailSecret: 'sealed-pending-secret',
  activationSecrets: 'sealed-activation-secret',
  passwordResetSecret: 'sealed-reset-secret',
  emailRestore: 'sealed-restore-record',
};
const at = new Date('2026-12-05T03:00:00.000Z');

describe('accountEvent: what an event tells', () => {
  it.each(EVENT_TYPES)('%s carries no secret, seal or pending address of the account', (type) => {
    const text = JSON.stringify(accountEvent(type, account, at));
    expect(text).not.toMatch(/sealed|secret|new\.example|locale|pending/i);
  });

  it.each([
    ['account.invited', 'invited'],
    ['account.activated', 'active'],
    ['account.disabled', 'disabled'],
    ['account.deleted', 'deleted'],
    ['account.sessions_revoked', 'active'],
  ] as const)('%s leaves the account %s', (type, status) => {
    expect(accountEvent(type, account, at).data.account.status).toBe(status);
  });

  it("an address change tells both addresses and the new one as the account's", () => {
    const change = { previousEmail: 'jane@example.com', email: 'jane@other.example.com' };
    expect(accountEvent('account.email_changed', account, at, change).data).toEqual({
      username: 'u-1',
      sub: 's-1',
      account: { email: 'jane@other.example.com', emailVerified: true, status: 'active' },
      change,
    });
  });

  it('each event has its own id, and the time Cognito accepted the change', () => {
    const [first, second] = [
      accountEvent('account.enabled', account, at),
      accountEvent('account.enabled', account, at),
    ];
    expect(first.id).not.toBe(second.id);
    expect(first.occurredAt).toBe('2026-12-05T03:00:00.000Z');
  });

  it('a filter takes the types it names, or all with *', () => {
    expect(wants(['account.deleted'], 'account.deleted')).toBe(true);
    expect(wants(['account.deleted'], 'account.invited')).toBe(false);
    expect(wants(['*'], 'account.invited')).toBe(true);
  });
});
