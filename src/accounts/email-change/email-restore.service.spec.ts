import {
  EmailTakenError,
  IdentityProviderUnavailableError,
  InvalidRestoreLinkError,
} from '../../common/errors';
import { accountsKit, linkOf, type AccountsKit } from '../accounts-kit.fixture';

/** Moves the account to `to` through a confirmed change; answers the restore link `from` got. */
async function move(kit: AccountsKit, username: string, from: string, to: string) {
  await kit.emailChanges.runRequest({ username, email: to });
  const confirm = linkOf(kit.outbox.to(to).at(-1));
  await kit.confirmations.confirmEmailChange(confirm.username, confirm.token);
  return linkOf(kit.outbox.to(from).at(-1));
}

/** An account moved from ada@ to new@, and the restore link of the notice to ada@. */
async function changed(kit: AccountsKit) {
  const user = kit.cognito.add({ email: 'ada@example.test' });
  return { user, restore: await move(kit, user.username, 'ada@example.test', 'new@example.test') };
}

/** The gateway calls a restore made, in order, leaving out reads. */
const steps = (kit: AccountsKit) =>
  kit.cognito.calls.map((call) => call.split(' ')[0]).filter((verb) => !/^(get|list)/.test(verb));

describe('EmailRestoreService', () => {
  it('puts the old address back and hands the account to that mailbox alone', async () => {
    const kit = accountsKit();
    const { user, restore } = await changed(kit);
    kit.cognito.calls.length = 0;

    expect(await kit.restores.restoreEmail(restore.username, restore.token)).toEqual({
      email: 'ada@example.test',
    });

    expect(kit.cognito.peek(user.username)?.email).toBe('ada@example.test');
    expect(steps(kit).slice(0, 4)).toEqual([
      'setPassword',
      'turnOffMfa',
      'signOutEverywhere',
      'restoreEmail',
    ]);
    expect(await kit.revocations.isRevoked(user.sub!, Math.floor(Date.now() / 1000) - 1)).toBe(true);
    expect(kit.outbox.to('ada@example.test').map((mail) => mail.template)).toEqual([
      'email-changed',
      'password-reset',
    ]);
    expect(kit.outbox.to('new@example.test').map((mail) => mail.template)).toEqual([
      'email-change',
      'email-restored',
    ]);
    await expect(kit.restores.restoreEmail(restore.username, restore.token)).rejects.toBeInstanceOf(
      InvalidRestoreLinkError,
    );
    const reset = linkOf(kit.outbox.to('ada@example.test').at(-1));
    await expect(kit.resets.resetPassword(reset.username, reset.token, 'mine again')).resolves.toBeDefined();
  });

  it("a second change keeps the owner's link, and the attacker's own link restores the owner's address", async () => {
    for (const use of ['owner', 'attacker'] as const) {
      const kit = accountsKit();
      const { user, restore } = await changed(kit);
      const second = await move(kit, user.username, 'new@example.test', 'a2@example.test');
      const link = use === 'owner' ? restore : second;
      expect(await kit.restores.restoreEmail(link.username, link.token)).toEqual({
        email: 'ada@example.test',
      });
      expect(kit.outbox.to('a2@example.test').at(-1)?.template).toBe('email-restored');
      expect(kit.outbox.to('ada@example.test').at(-1)?.template).toBe('password-reset');
    }
  });

  it('a failure half-way changes no address, and the same link does it all on the retry', async () => {
    const kit = accountsKit();
    const { user, restore } = await changed(kit);
    kit.cognito.failNext('restoreEmail', new IdentityProviderUnavailableError());
    await expect(kit.restores.restoreEmail(restore.username, restore.token)).rejects.toBeInstanceOf(
      IdentityProviderUnavailableError,
    );
    expect(kit.cognito.peek(user.username)?.email).toBe('new@example.test');
    await kit.restores.restoreEmail(restore.username, restore.token);
    expect(kit.cognito.peek(user.username)?.email).toBe('ada@example.test');
    expect(kit.cognito.callsOf('setPassword')).toHaveLength(2);
  });

  it('works for the restore window only', async () => {
    const kit = accountsKit();
    const { restore } = await changed(kit);
    kit.clock.offsetMs = 3 * 86_400_000 + 1;
    await expect(kit.restores.restoreEmail(restore.username, restore.token)).rejects.toBeInstanceOf(
      InvalidRestoreLinkError,
    );
  });

  it('refuses when another account took the old address meanwhile, and changes nothing', async () => {
    const kit = accountsKit();
    const { restore } = await changed(kit);
    kit.cognito.add({ email: 'ada@example.test' });
    kit.cognito.calls.length = 0;
    await expect(kit.restores.restoreEmail(restore.username, restore.token)).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect(steps(kit)).toEqual([]);
  });
});
