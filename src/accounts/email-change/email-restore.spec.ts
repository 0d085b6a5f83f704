import { generateSecret } from '../../common/secrets';
import { openEmailRestore, RESTORE_SPENT, sealEmailRestore } from './email-restore';

describe('email restore records', () => {
  const token = generateSecret();
  const username = '0b6d8c1e-0000-4000-8000-000000000001';
  const expiresAt = new Date('2030-01-01T00:00:00Z');
  const before = new Date(expiresAt.getTime() - 1);
  const record = sealEmailRestore(token, username, 'old@example.com', expiresAt);

  it('keeps the old address beside a seal, never the token', () => {
    expect(record).toMatch(/ old@example\.com$/);
    expect(record).not.toContain(token);
  });

  it('opens the old address with its token, for its account, until it expires', () => {
    expect(openEmailRestore({ username, emailRestore: record }, token, before)).toBe('old@example.com');
    expect(openEmailRestore({ username, emailRestore: record }, generateSecret(), before)).toBeUndefined();
    expect(openEmailRestore({ username, emailRestore: record }, token, expiresAt)).toBeUndefined();
    expect(
      openEmailRestore({ username: 'someone-else', emailRestore: record }, token, before),
    ).toBeUndefined();
  });

  it('opens nothing once the address in the record was changed, or the record was spent', () => {
    const tampered = record.replace('old@example.com', 'attacker@example.com');
    expect(openEmailRestore({ username, emailRestore: tampered }, token, before)).toBeUndefined();
    expect(openEmailRestore({ username, emailRestore: RESTORE_SPENT }, token, before)).toBeUndefined();
    expect(openEmailRestore({ username }, token, before)).toBeUndefined();
  });
});
