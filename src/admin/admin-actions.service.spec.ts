import { accountsKit } from '../accounts/accounts-kit.fixture';
import type { Principal } from '../auth/principal';
import { LastAdminError, OwnAccountError } from '../common/errors';
import { MemoryLock } from '../coordination/memory-coordination';
import type { AuditLog } from '../logging/audit-log';
import { AdminActionsService } from './admin-actions.service';

function actionsKit() {
  const kit = accountsKit();
  const config = { group: 'admin', repairEveryMs: 0 };
  const actions = new AdminActionsService(
    kit.cognito,
    kit.lifecycle,
    kit.mfa,
    kit.trail as unknown as AuditLog,
    new MemoryLock(),
    config,
  );
  const admins = new Set<string>();
  kit.cognito.groups.set('admin', admins);
  const addAdmin = (email: string) => {
    const account = kit.cognito.add({ email });
    admins.add(account.username);
    return { username: account.username, groups: ['admin'] } as Principal;
  };
  return { ...kit, actions, addAdmin };
}

const adminLines = (kit: ReturnType<typeof actionsKit>) =>
  kit.trail.lines.filter((line) => line.audit === 'admin.acted-on-admin');

describe('AdminActionsService', () => {
  it('refuses every lock-out action on the caller’s own account, naming the self-service route', async () => {
    const kit = actionsKit();
    const ada = kit.addAdmin('ada@example.test');
    kit.addAdmin('bob@example.test');
    await expect(kit.actions.disable(ada, ada.username)).rejects.toThrow(OwnAccountError);
    await expect(kit.actions.signOut(ada, ada.username)).rejects.toThrow('POST /accounts/me/sessions/revoke');
    await expect(kit.actions.delete(ada, ada.username.toUpperCase())).rejects.toThrow('DELETE /accounts/me');
    expect(kit.cognito.peek(ada.username)?.state).toBe('active');
    expect(kit.cognito.callsOf('signOutEverywhere')).toEqual([]);
  });

  it('never disables or deletes the last enabled admin', async () => {
    const kit = actionsKit();
    const ada = kit.addAdmin('ada@example.test');
    const bob = kit.addAdmin('bob@example.test');
    // Ada lost her seat a moment ago; the group's list still shows her as enabled.
    await kit.cognito.disable(ada.username);
    await expect(kit.actions.disable(ada, bob.username)).rejects.toThrow(LastAdminError);
    await expect(kit.actions.delete(ada, bob.username)).rejects.toThrow(LastAdminError);
    expect(kit.cognito.peek(bob.username)?.state).toBe('active');
  });

  it('lets only one of two admins removing each other win', async () => {
    const kit = actionsKit();
    const ada = kit.addAdmin('ada@example.test');
    const bob = kit.addAdmin('bob@example.test');
    const outcomes = await Promise.allSettled([
      kit.actions.disable(ada, bob.username),
      kit.actions.disable(bob, ada.username),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const states = [ada, bob].map((a) => kit.cognito.peek(a.username)?.state);
    expect(states.sort()).toEqual(['active', 'disabled']);
  });

  it('audits who did what to which admin, and acts on other accounts without that line', async () => {
    const kit = actionsKit();
    const ada = kit.addAdmin('ada@example.test');
    const bob = kit.addAdmin('bob@example.test');
    const user = kit.cognito.add({ email: 'user@example.test' });
    await kit.actions.signOut(ada, bob.username);
    await kit.actions.disable(ada, bob.username);
    await kit.actions.enable(ada, bob.username);
    await kit.actions.delete(ada, user.username);
    expect(adminLines(kit)).toEqual(
      ['sign-out', 'disable', 'enable'].map((action) => ({
        audit: 'admin.acted-on-admin',
        admin: ada.username,
        username: bob.username,
        action,
      })),
    );
    expect(kit.cognito.peek(user.username)).toBeUndefined();
  });

  it('resets a user’s MFA with a notice and the admin named; the own account goes through self-service', async () => {
    const kit = actionsKit();
    const ada = kit.addAdmin('ada@example.test');
    const user = kit.cognito.add({ email: 'user@example.test', totpMfa: true });

    await expect(kit.actions.resetMfa(ada, ada.username)).rejects.toThrow('DELETE /accounts/me/mfa/totp');
    await kit.actions.resetMfa(ada, user.username);

    expect(kit.cognito.callsOf('turnOffMfa')).toEqual([user.username]);
    expect(kit.cognito.peek(user.username)?.totpMfa).toBe(false);
    expect(kit.outbox.to('user@example.test').map((mail) => mail.template)).toEqual(['mfa-disabled']);
    expect(kit.trail.lines).toContainEqual({
      audit: 'mfa.disabled',
      username: user.username,
      admin: ada.username,
    });
  });
});
