import {
  IdentityProviderUnavailableError,
  MailUnavailableError,
  UserNotFoundError,
} from '../../common/errors';
import { accountsKit } from '../accounts-kit.fixture';

const issuedBefore = (at: Date) => Math.floor(at.getTime() / 1000) - 1;

describe('AccountLifecycleService', () => {
  it('ends sessions at Cognito first, then marks every earlier token revoked on the service clock', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    kit.clock.offsetMs = 60_000;

    await kit.lifecycle.signOut(user.username);

    expect(kit.cognito.callsOf('signOutEverywhere')).toEqual([user.username]);
    // On the service clock (moved a minute ahead here), not on the machine's.
    expect(Number(await kit.records.get(`revoked:${user.sub}`))).toBeGreaterThan(Date.now() + 50_000);
    expect(await kit.revocations.isRevoked(user.sub!, issuedBefore(kit.clock.now()))).toBe(true);
    expect(kit.outbox.to('ada@example.test').map((mail) => mail.template)).toEqual(['sessions-ended']);
  });

  it('leaves no mark when the sign-out fails: the caller retries with the same token', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    kit.cognito.failNext('signOutEverywhere', new IdentityProviderUnavailableError());

    await expect(kit.lifecycle.signOut(user.username)).rejects.toBeInstanceOf(
      IdentityProviderUnavailableError,
    );

    expect(await kit.revocations.isRevoked(user.sub!, issuedBefore(new Date()))).toBe(false);
    expect(kit.outbox.sent).toEqual([]);
    expect(kit.trail.lines).toEqual([]);
  });

  it('writes the same audit line whoever asks; the admin is named', async () => {
    const kit = accountsKit();
    const [self, managed] = [
      kit.cognito.add({ email: 'a@example.test' }),
      kit.cognito.add({ email: 'b@example.test' }),
    ];

    await kit.lifecycle.signOut(self.username);
    await kit.lifecycle.signOut(managed.username, { admin: 'operator' });

    expect(kit.trail.lines).toEqual([
      { audit: 'sessions.revoked', username: self.username, admin: undefined },
      { audit: 'notice.sent', username: self.username, notice: 'sessions-ended' },
      { audit: 'sessions.revoked', username: managed.username, admin: 'operator' },
      { audit: 'notice.sent', username: managed.username, notice: 'sessions-ended' },
    ]);
  });

  it('deletes under the account lock: the user goes, its tokens are refused, a notice goes to its address', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    let release!: () => void;
    const held = kit.addresses.withAccount(user.username, () => new Promise<void>((r) => (release = r)));

    const deletion = kit.lifecycle.delete(user.username, { admin: 'operator' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(kit.cognito.peek(user.username)).toBeDefined();
    release();
    await held;
    await deletion;

    expect(kit.cognito.peek(user.username)).toBeUndefined();
    expect(await kit.revocations.isRevoked(user.sub!, issuedBefore(new Date()))).toBe(true);
    expect(kit.outbox.to('ada@example.test').map((mail) => mail.template)).toEqual(['account-deleted']);
    expect(kit.trail.lines[0]).toEqual({
      audit: 'account.deleted',
      username: user.username,
      admin: 'operator',
    });
  });

  it('answers UserNotFoundError for an unknown user, and changes nothing', async () => {
    const kit = accountsKit();
    await expect(kit.lifecycle.delete('nobody')).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(kit.lifecycle.signOut('nobody')).rejects.toBeInstanceOf(UserNotFoundError);
    expect(kit.cognito.callsOf('signOutEverywhere')).toEqual([]);
  });

  it('disables after ending sessions, and enables again', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });

    await kit.lifecycle.disable(user.username, { admin: 'operator' });
    expect(kit.cognito.peek(user.username)?.state).toBe('disabled');
    expect(await kit.revocations.isRevoked(user.sub!, issuedBefore(new Date()))).toBe(true);
    expect(kit.cognito.calls.filter((call) => !call.startsWith('getAccount'))).toEqual([
      `signOutEverywhere ${user.username}`,
      `disable ${user.username}`,
    ]);

    await kit.lifecycle.enable(user.username, { admin: 'operator' });
    expect(kit.cognito.peek(user.username)?.state).toBe('active');
    expect(kit.trail.events()).toEqual(['account.disabled', 'account.enabled']);
  });

  it('a notice that cannot be sent does not fail what already happened', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    kit.outbox.failNext(new MailUnavailableError());

    await kit.lifecycle.signOut(user.username);

    expect(kit.trail.events()).toEqual(['sessions.revoked']);
  });
});
