import { EmailTakenError, NotInvitedError } from '../../common/errors';
import { accountsKit, linkOf } from '../accounts-kit.fixture';

describe('InvitationsService', () => {
  it('invites a free address with the activation mail, and names the admin in the audit line', async () => {
    const kit = accountsKit();
    const invitation = await kit.invitations.invite('ada@example.test', 'de', 'operator');
    expect(kit.cognito.peek(invitation.username)).toMatchObject({
      state: 'invited',
      email: 'ada@example.test',
    });
    expect(linkOf(kit.outbox.to('ada@example.test')[0]).username).toBe(invitation.username);
    expect(kit.trail.lines.at(-1)).toEqual({
      audit: 'invitation.created',
      username: invitation.username,
      admin: 'operator',
    });
  });

  it('refuses an address an account holds, and sends nothing', async () => {
    const kit = accountsKit();
    kit.cognito.add({ email: 'ada@example.test' });
    await expect(kit.invitations.invite('ada@example.test')).rejects.toBeInstanceOf(EmailTakenError);
    expect(kit.outbox.sent).toEqual([]);
  });

  it('a renewal replaces every earlier link; only an invited account can be renewed', async () => {
    const kit = accountsKit();
    const { username } = await kit.invitations.invite('ada@example.test');
    const first = linkOf(kit.outbox.sent[0]);
    await kit.invitations.renew(username);
    const second = linkOf(kit.outbox.sent[1]);

    await expect(kit.activation.completeSignup(username, first.token, 'long enough')).rejects.toThrow();
    await kit.activation.completeSignup(username, second.token, 'long enough');
    await expect(kit.invitations.renew(username)).rejects.toBeInstanceOf(NotInvitedError);
  });
});
