import { EmailTakenError, InvalidRestoreLinkError } from '../../common/errors';
import { accountsKit, linkOf, type AccountsKit } from '../accounts-kit.fixture';

/** An account moved from ada@ to new@, and the restore link of the notice to ada@. */
async function changed(kit: AccountsKit) {
  const user = kit.cognito.add({ email: 'ada@example.test' });
  await kit.emailChanges.runRequest({ username: user.username, email: 'new@example.test' });
  const confirm = linkOf(kit.outbox.to('new@example.test')[0]);
  await kit.confirmations.confirmEmailChange(confirm.username, confirm.token);
  return { user, restore: linkOf(kit.outbox.to('ada@example.test')[0]) };
}

describe('EmailRestoreService', () => {
  it('puts the old address back, ends every session and mails a reset link there', async () => {
    const kit = accountsKit();
    const { user, restore } = await changed(kit);

    expect(await kit.restores.restoreEmail(restore.username, restore.token)).toEqual({
      email: 'ada@example.test',
    });

    expect(kit.cognito.peek(user.username)?.email).toBe('ada@example.test');
    expect(kit.cognito.callsOf('signOutEverywhere')).toEqual([user.username]);
    expect(await kit.revocations.isRevoked(user.sub!, Math.floor(Date.now() / 1000) - 1)).toBe(true);
    expect(kit.outbox.to('ada@example.test').map((mail) => mail.template)).toEqual([
      'email-changed',
      'password-reset',
    ]);
    await expect(kit.restores.restoreEmail(restore.username, restore.token)).rejects.toBeInstanceOf(
      InvalidRestoreLinkError,
    );
  });

  it('refuses when another account took the old address meanwhile, and signs nobody out', async () => {
    const kit = accountsKit();
    const { restore } = await changed(kit);
    kit.cognito.add({ email: 'ada@example.test' });
    await expect(kit.restores.restoreEmail(restore.username, restore.token)).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect(kit.cognito.callsOf('signOutEverywhere')).toEqual([]);
  });
});
