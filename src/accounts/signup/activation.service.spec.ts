import { InvalidActivationLinkError, InvalidPasswordError } from '../../common/errors';
import { accountsKit, linkOf } from '../accounts-kit.fixture';

async function invited() {
  const kit = accountsKit();
  const link = await kit.invitations.create(
    'ada@example.test',
    undefined,
    '0b7f0e6c-3c1b-4b3e-8a43-5c1d2f3e4a5b',
  );
  return { kit, ...linkOf({ to: link.email, template: 'activation', context: link }) };
}

describe('ActivationService', () => {
  it('activates with the link: the address verified, the account active', async () => {
    const { kit, username, token } = await invited();
    expect(await kit.activation.completeSignup(username, token, 'long enough')).toEqual({
      username,
      email: 'ada@example.test',
    });
    expect(kit.cognito.peek(username)).toMatchObject({ state: 'active', emailVerified: true });
    expect(kit.trail.events()).toEqual(['account.activated']);
  });

  it('a wrong token, an unknown user and a used link all look the same', async () => {
    const { kit, username, token } = await invited();
    await expect(
      kit.activation.completeSignup(username, 'x'.repeat(32), 'long enough'),
    ).rejects.toBeInstanceOf(InvalidActivationLinkError);
    await expect(kit.activation.completeSignup('nobody', token, 'long enough')).rejects.toBeInstanceOf(
      InvalidActivationLinkError,
    );
    await kit.activation.completeSignup(username, token, 'long enough');
    await expect(kit.activation.completeSignup(username, token, 'long enough')).rejects.toBeInstanceOf(
      InvalidActivationLinkError,
    );
  });

  it('a password the pool refuses leaves the link working', async () => {
    const { kit, username, token } = await invited();
    await expect(kit.activation.completeSignup(username, token, 'short')).rejects.toBeInstanceOf(
      InvalidPasswordError,
    );
    expect(kit.cognito.peek(username)?.state).toBe('invited');
    await expect(kit.activation.completeSignup(username, token, 'long enough')).resolves.toBeDefined();
  });
});
