import { PASSWORD_POLICY } from '../../provisioning/user-pool.definition';
import { INVITATION_VALIDITY_MS } from './invitations.service';

describe('INVITATION_VALIDITY_MS', () => {
  it('is the pool temporary passwords validity (the link carries the temporary password)', () => {
    expect(INVITATION_VALIDITY_MS).toBe(PASSWORD_POLICY.TemporaryPasswordValidityDays * 24 * 3_600_000);
  });
});
