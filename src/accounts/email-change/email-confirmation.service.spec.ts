import { EmailTakenError, InvalidConfirmationLinkError } from '../../common/errors';
import { accountsKit, linkOf, type AccountsKit } from '../accounts-kit.fixture';

async function pendingChange(kit: AccountsKit, email = 'new@example.test') {
  const user = kit.cognito.add({ email: 'ada@example.test' });
  await kit.emailChanges.runRequest({ username: user.username, email });
  return { user, link: linkOf(kit.outbox.to(email).at(-1)) };
}

describe('EmailConfirmationService', () => {
  it('swaps the address in, spends the link, and tells the old address with a restore link', async () => {
    const kit = accountsKit();
    const { user, link } = await pendingChange(kit);

    expect(await kit.confirmations.confirmEmailChange(link.username, link.token)).toEqual({
      email: 'new@example.test',
    });

    expect(kit.cognito.peek(user.username)).toMatchObject({ email: 'new@example.test', emailVerified: true });
    expect(kit.cognito.peek(user.username)?.pendingEmail).toBeUndefined();
    const [notice] = kit.outbox.to('ada@example.test');
    expect(notice).toMatchObject({ template: 'email-changed', context: { newEmail: 'new@example.test' } });
    expect(linkOf(notice).username).toBe(user.username);
    await expect(kit.confirmations.confirmEmailChange(link.username, link.token)).rejects.toBeInstanceOf(
      InvalidConfirmationLinkError,
    );
  });

  it('refuses an expired link', async () => {
    const kit = accountsKit();
    const { link } = await pendingChange(kit);
    kit.clock.offsetMs = 86_400_000 + 1;
    await expect(kit.confirmations.confirmEmailChange(link.username, link.token)).rejects.toBeInstanceOf(
      InvalidConfirmationLinkError,
    );
  });

  it('of two confirmations for one address, the second gets EmailTakenError', async () => {
    const kit = accountsKit();
    const first = await pendingChange(kit);
    const second = await pendingChange(kit);
    await kit.confirmations.confirmEmailChange(first.link.username, first.link.token);
    await expect(
      kit.confirmations.confirmEmailChange(second.link.username, second.link.token),
    ).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('the notice goes without a restore link when its record cannot be stored', async () => {
    const kit = accountsKit();
    const { link } = await pendingChange(kit);
    kit.cognito.failNext('storeEmailRestore', new Error('outage'));
    await kit.confirmations.confirmEmailChange(link.username, link.token);
    expect(kit.outbox.to('ada@example.test')[0]?.context).toEqual({ newEmail: 'new@example.test' });
  });
});
