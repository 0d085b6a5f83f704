import { InvalidPasswordError, InvalidResetLinkError } from '../../common/errors';
import { accountsKit, linkOf, type AccountsKit } from '../accounts-kit.fixture';

async function resetLink(kit: AccountsKit) {
  const user = kit.cognito.add({ email: 'ada@example.test' });
  await kit.passwords.runForgot({ email: 'ada@example.test' }, { id: 'job', attempt: 1 });
  return { user, link: linkOf(kit.outbox.to('ada@example.test')[0]) };
}

describe('PasswordResetService', () => {
  it('sets the password, ends every session, spends the link and tells the user', async () => {
    const kit = accountsKit();
    const { user, link } = await resetLink(kit);

    await kit.resets.resetPassword(link.username, link.token, 'long enough');

    expect(kit.cognito.callsOf('setPassword')).toEqual([user.username]);
    expect(await kit.revocations.isRevoked(user.sub!, Math.floor(Date.now() / 1000) - 1)).toBe(true);
    expect(kit.outbox.to('ada@example.test').map((mail) => mail.template)).toEqual([
      'password-reset',
      'password-changed',
    ]);
    await expect(kit.resets.resetPassword(link.username, link.token, 'long enough')).rejects.toBeInstanceOf(
      InvalidResetLinkError,
    );
  });

  it('a weak password changes nothing and the link keeps working', async () => {
    const kit = accountsKit();
    const { link } = await resetLink(kit);
    await expect(kit.resets.resetPassword(link.username, link.token, 'short')).rejects.toBeInstanceOf(
      InvalidPasswordError,
    );
    expect(kit.cognito.callsOf('signOutEverywhere')).toEqual([]);
    await expect(kit.resets.resetPassword(link.username, link.token, 'long enough')).resolves.toEqual({
      username: link.username,
    });
  });

  it('an expired link is refused', async () => {
    const kit = accountsKit();
    const { link } = await resetLink(kit);
    kit.clock.offsetMs = 3_600_000 + 1;
    await expect(kit.resets.resetPassword(link.username, link.token, 'long enough')).rejects.toBeInstanceOf(
      InvalidResetLinkError,
    );
  });

  it('a link mailed to the old address opens nothing once the address changed', async () => {
    const kit = accountsKit();
    const { user, link } = await resetLink(kit);
    await kit.emailChanges.runRequest({ username: user.username, email: 'new@example.test' });
    const confirm = linkOf(kit.outbox.to('new@example.test')[0]);
    await kit.confirmations.confirmEmailChange(confirm.username, confirm.token);
    await expect(kit.resets.resetPassword(link.username, link.token, 'long enough')).rejects.toBeInstanceOf(
      InvalidResetLinkError,
    );
    expect(kit.cognito.callsOf('setPassword')).toEqual([]);
  });
});
