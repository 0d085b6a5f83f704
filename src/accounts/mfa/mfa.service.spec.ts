import { TOTP, URI } from 'otpauth';
import { InvalidMfaCodeError } from '../../common/errors';
import { FAKE_TOTP_CODE, FAKE_TOTP_SECRET } from '../../cognito/fake-cognito-gateway.fixture';
import { accountsKit } from '../accounts-kit.fixture';

const TOKEN = 'access-token';

describe('MfaService', () => {
  it('hands out the secret and an otpauth URI naming the service and the address, and turns nothing on', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada+mfa@example.test', totpMfa: false });

    const setup = await kit.mfa.startSetup(user.username, TOKEN);

    expect(setup.secret).toBe(FAKE_TOTP_SECRET);
    // Read as an authenticator app reads the QR code.
    const totp = URI.parse(setup.otpauthUri);
    expect(totp).toBeInstanceOf(TOTP);
    expect(totp.label).toBe('ada+mfa@example.test');
    expect(totp.issuer).toBe('Cognito Accounts');
    expect(totp.secret.base32).toBe(FAKE_TOTP_SECRET);
    expect((await kit.profile.getProfile(user.username)).mfa).toEqual({ totp: false });
    expect(kit.outbox.sent).toEqual([]);
  });

  it('refuses a wrong code with INVALID_MFA_CODE: MFA stays off, no notice, no event', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test', totpMfa: false });
    await kit.mfa.startSetup(user.username, TOKEN);

    await expect(kit.mfa.enable(user.username, TOKEN, '000000')).rejects.toBeInstanceOf(InvalidMfaCodeError);

    expect(kit.cognito.peek(user.username)?.totpMfa).toBe(false);
    expect(kit.outbox.sent).toEqual([]);
    expect(kit.published.published).toEqual([]);
  });

  it('turns TOTP on with the right code, then tells the user, the audit trail and the events', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test', totpMfa: false });
    await kit.mfa.startSetup(user.username, TOKEN);

    await kit.mfa.enable(user.username, TOKEN, FAKE_TOTP_CODE);

    expect((await kit.profile.getProfile(user.username)).mfa).toEqual({ totp: true });
    expect(kit.outbox.to('ada@example.test').map((mail) => mail.template)).toEqual(['mfa-enabled']);
    expect(kit.trail.events()).toContain('mfa.enabled');
    expect(kit.published.published).toEqual([{ type: 'account.mfa_enabled', username: user.username }]);
  });

  it('turns it off, naming the admin who reset it, with a notice and the event', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test', totpMfa: true });

    await kit.mfa.disable(user.username, { admin: 'operator' });

    expect(kit.cognito.peek(user.username)?.totpMfa).toBe(false);
    expect(kit.outbox.to('ada@example.test').map((mail) => mail.template)).toEqual(['mfa-disabled']);
    expect(kit.trail.lines).toContainEqual({
      audit: 'mfa.disabled',
      username: user.username,
      admin: 'operator',
    });
    expect(kit.published.published).toEqual([{ type: 'account.mfa_disabled', username: user.username }]);
  });
});
