import { accountsKit } from '../accounts/accounts-kit.fixture';
import type { Principal } from '../auth/principal';
import { UserNotFoundError } from '../common/errors';
import type { AuditLog } from '../logging/audit-log';
import { AccountHealthService } from './account-health.service';
import { AdminUsersService } from './admin-users.service';
import { AdminView } from './admin-view';

const admin = { username: 'operator' } as Principal;

function adminKit() {
  const kit = accountsKit();
  const view = new AdminView(kit.invitations, kit.clock);
  const audit = kit.trail as unknown as AuditLog;
  return {
    ...kit,
    users: new AdminUsersService(kit.cognito, kit.invitations, view, audit),
    health: new AccountHealthService(kit.cognito, kit.invitations, view, audit),
  };
}

describe('AdminUsersService', () => {
  it('lists a page by state, narrowing here what Cognito cannot filter', async () => {
    const kit = adminKit();
    const fresh = await kit.invitations.invite('fresh@example.test');
    kit.clock.offsetMs = 8 * 86_400_000;
    const late = await kit.invitations.invite('late@example.test');
    kit.clock.offsetMs = 8 * 86_400_000 + 1;
    kit.cognito.add({ email: 'active@example.test' });

    const expired = await kit.users.list({ state: 'invitation-expired', limit: 60 });
    expect(expired.users.map((user) => user.username)).toEqual([fresh.username]);
    expect(kit.cognito.callsOf('listPage').at(-1)).toEqual(JSON.stringify({ invited: true }));
    const invited = await kit.users.list({ state: 'invited' });
    expect(invited.users.map((user) => user.username)).toEqual([late.username]);
  });

  it('invites and renews in the admin’s name', async () => {
    const kit = adminKit();
    const invitation = await kit.users.invite(admin, 'ada@example.test');
    await kit.users.renewInvitation(admin, invitation.username);
    expect(kit.trail.lines.filter((line) => line.audit.startsWith('admin.'))).toEqual([
      { audit: 'admin.invited', username: invitation.username, admin: 'operator' },
      { audit: 'admin.invitation-renewed', username: invitation.username, admin: 'operator' },
    ]);
    expect(kit.outbox.to('ada@example.test')).toHaveLength(2);
  });
});

describe('AccountHealthService', () => {
  it('reports duplicate addresses and removes only the not activated extra holders', async () => {
    const kit = adminKit();
    const owner = kit.cognito.add({ email: 'ada@example.test', createdAt: new Date(2_000) });
    const extra = kit.cognito.add({
      email: 'ADA@example.test',
      state: 'invited',
      createdAt: new Date(1_000),
    });

    const report = await kit.health.report();
    expect(report.duplicateEmails).toEqual([
      {
        email: 'ada@example.test',
        holders: [
          { username: owner.username, state: 'active' },
          { username: extra.username, state: 'invitation-expired' },
        ],
      },
    ]);
    const repair = await kit.health.repair(admin, 'duplicate-emails');
    expect(repair.changed).toEqual([{ username: extra.username, action: 'deleted' }]);
    expect(kit.cognito.peek(owner.username)).toBeDefined();
    expect(kit.cognito.peek(extra.username)).toBeUndefined();
  });

  it('reports a failed repair by its code and goes on with the next account', async () => {
    const kit = adminKit();
    const first = kit.cognito.add({
      email: 'ada@example.test',
      pendingEmail: 'a@example.test',
      pendingEmailSecret: 'spent',
    });
    const second = kit.cognito.add({
      email: 'bob@example.test',
      pendingEmail: 'b@example.test',
      pendingEmailSecret: '',
    });
    kit.cognito.failNext('clearPendingEmailChange', new UserNotFoundError());

    const repair = await kit.health.repair(admin, 'expired-email-changes');
    expect(repair.failed).toEqual([{ username: first.username, code: 'USER_NOT_FOUND' }]);
    expect(repair.changed).toEqual([{ username: second.username, action: 'pending-change-cleared' }]);
    expect(kit.cognito.peek(second.username)?.pendingEmail).toBeUndefined();
  });

  it('the scheduled repair removes expired invitations only, in the schedule’s name, without mail', async () => {
    const kit = adminKit();
    const lapsed = await kit.invitations.invite('lapsed@example.test');
    kit.clock.offsetMs = 7 * 86_400_000 + 1;
    const fresh = await kit.invitations.invite('fresh@example.test');
    const active = kit.cognito.add({ email: 'active@example.test', createdAt: new Date(0) });

    const result = await kit.health.run('expired-invitations', 'schedule');

    expect(result.changed).toEqual([{ username: lapsed.username, action: 'deleted' }]);
    expect(kit.cognito.peek(lapsed.username)).toBeUndefined();
    expect(kit.cognito.peek(fresh.username)).toBeDefined();
    expect(kit.cognito.peek(active.username)).toBeDefined();
    expect(kit.cognito.callsOf('listPage').at(-1)).toEqual(JSON.stringify({ invited: true }));
    expect(kit.outbox.to('lapsed@example.test')).toHaveLength(1);
    expect(kit.trail.lines).toContainEqual({
      audit: 'admin.repaired',
      username: lapsed.username,
      admin: 'schedule',
      repair: 'expired-invitations',
      action: 'deleted',
    });
  });
});
