import { EmailTakenError } from '../common/errors';
import { accountsKit, linkOf, type AccountsKit } from './accounts-kit.fixture';

/** Ada (active) asks to move to new@, where a stranger's signup waits unactivated. */
async function squatted(kit: AccountsKit) {
  const ada = kit.cognito.add({ email: 'ada@example.test' });
  const squatter = kit.cognito.add({ email: 'new@example.test', state: 'invited', emailVerified: false });
  await kit.emailChanges.runRequest({ username: ada.username, email: 'new@example.test' });
  return { ada, squatter, link: linkOf(kit.outbox.to('new@example.test').at(-1)) };
}

describe('AddressRegistry: an address belongs to whoever proves the mailbox', () => {
  it('following the confirmation link withdraws the unactivated invitation, without a word to it', async () => {
    const kit = accountsKit();
    const { ada, squatter, link } = await squatted(kit);

    expect(await kit.confirmations.confirmEmailChange(link.username, link.token)).toEqual({
      email: 'new@example.test',
    });

    expect(kit.cognito.peek(squatter.username)).toBeUndefined();
    expect(kit.cognito.peek(ada.username)?.email).toBe('new@example.test');
    expect(kit.outbox.to('new@example.test').map((mail) => mail.template)).toEqual(['email-change']);
    expect(kit.trail.lines).toContainEqual({
      audit: 'invitation.withdrawn',
      username: squatter.username,
      reason: 'address-proven',
    });
  });

  it('an activated holder still keeps the address (409), and no invitation is withdrawn for it', async () => {
    const kit = accountsKit();
    const { squatter, link } = await squatted(kit);
    kit.cognito.add({ email: 'new@example.test', createdAt: new Date(0) });
    await expect(kit.confirmations.confirmEmailChange(link.username, link.token)).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect(kit.cognito.peek(squatter.username)).toBeDefined();
  });

  it('the invitation activated first wins: then the confirmation gets 409', async () => {
    const kit = accountsKit();
    const { squatter, link } = await squatted(kit);
    await kit.cognito.setPassword(squatter.username, 'Correct-Horse-9');
    await expect(kit.confirmations.confirmEmailChange(link.username, link.token)).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect(kit.cognito.peek(squatter.username)?.state).toBe('active');
  });

  it('restore withdraws an unactivated invitation of the old address and puts the address back', async () => {
    const kit = accountsKit();
    const ada = kit.cognito.add({ email: 'ada@example.test' });
    await kit.emailChanges.runRequest({ username: ada.username, email: 'new@example.test' });
    const confirm = linkOf(kit.outbox.to('new@example.test')[0]);
    await kit.confirmations.confirmEmailChange(confirm.username, confirm.token);
    const restore = linkOf(kit.outbox.to('ada@example.test')[0]);
    const squatter = kit.cognito.add({ email: 'ada@example.test', state: 'invited', emailVerified: false });

    expect(await kit.restores.restoreEmail(restore.username, restore.token)).toEqual({
      email: 'ada@example.test',
    });
    expect(kit.cognito.peek(squatter.username)).toBeUndefined();
    expect(kit.cognito.peek(ada.username)?.email).toBe('ada@example.test');
  });

  it('withdraws nothing that a fresh read finds activated, moved or no longer due', async () => {
    const kit = accountsKit();
    const active = kit.cognito.add({ email: 'a@example.test' });
    const invited = kit.cognito.add({ email: 'b@example.test', state: 'invited' });
    const withdraw = (username: string, email: string, due?: () => boolean) =>
      kit.addresses.withAddress(email, () => kit.addresses.withdraw(username, email, 'expired', due));

    expect(await withdraw(active.username, 'a@example.test')).toBe(false);
    expect(await withdraw(invited.username, 'other@example.test')).toBe(false);
    expect(await withdraw(invited.username, 'b@example.test', () => false)).toBe(false);
    expect(kit.cognito.peek(invited.username)).toBeDefined();
    expect(await withdraw(invited.username, 'b@example.test')).toBe(true);
    expect(kit.cognito.peek(invited.username)).toBeUndefined();
    expect(await withdraw(invited.username, 'b@example.test')).toBe(false);
  });
});

describe('InvitationsService.withdrawExpired', () => {
  it('withdraws an invitation once its links have expired, and keeps one renewed meanwhile', async () => {
    const kit = accountsKit();
    const lapsed = await kit.invitations.invite('lapsed@example.test');
    const renewed = await kit.invitations.invite('renewed@example.test');
    const [lapsedAccount, renewedAccount] = [lapsed, renewed].map((i) => kit.cognito.peek(i.username)!);
    expect(await kit.invitations.withdrawExpired(lapsedAccount)).toBe(false);

    kit.clock.offsetMs = 7 * 86_400_000 + 1;
    // Read as expired by the scan, renewed by an admin before the removal takes the address's lock.
    await kit.invitations.renew(renewed.username);
    expect(await kit.invitations.withdrawExpired(renewedAccount)).toBe(false);
    expect(await kit.invitations.withdrawExpired(lapsedAccount)).toBe(true);

    expect(kit.cognito.peek(lapsed.username)).toBeUndefined();
    expect(kit.cognito.peek(renewed.username)).toBeDefined();
    expect(kit.outbox.to('lapsed@example.test')).toHaveLength(1);
  });
});
