import { UnauthenticatedError } from '../../common/errors';
import { accountsKit } from '../accounts-kit.fixture';

describe('ProfileService', () => {
  it('shows the account, with its pending address while the change waits', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test', locale: 'de' });
    await kit.emailChanges.runRequest({ username: user.username, email: 'new@example.test' });
    expect(await kit.profile.getProfile(user.username)).toEqual({
      username: user.username,
      email: 'ada@example.test',
      emailVerified: true,
      locale: 'de',
      pendingEmail: 'new@example.test',
      mfa: { totp: false },
    });
  });

  it('a disabled account reads nothing', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test', state: 'disabled' });
    await expect(kit.profile.getProfile(user.username)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
