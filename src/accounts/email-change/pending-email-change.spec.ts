import { generateSecret } from '../../common/secrets';
import { isSpent, openEmailChange, pendingEmailChange, sealEmailChange, SPENT } from './pending-email-change';

describe('pending email changes', () => {
  const token = generateSecret();
  const username = '0b6d8c1e-0000-4000-8000-000000000001';
  const expiresAt = new Date('2030-01-01T00:00:00Z');
  const before = new Date(expiresAt.getTime() - 1);
  const account = (pendingEmail: string | undefined, pendingEmailSecret: string | undefined) => ({
    username,
    email: 'old@example.com',
    pendingEmail,
    pendingEmailSecret,
  });
  const stored = sealEmailChange(token, username, 'new@example.com', expiresAt, 'old@example.com');

  it('never stores the token itself', () => {
    expect(stored).not.toContain(token);
    expect(stored.length).toBeLessThan(2048);
  });

  it('opens with the token it was made for, for the address it was made for, until it expires', () => {
    expect(openEmailChange(account('new@example.com', stored), token, before)).toEqual({
      email: 'new@example.com',
      expiresAt,
    });
    expect(openEmailChange(account('new@example.com', stored), generateSecret(), before)).toBeUndefined();
    expect(openEmailChange(account('new@example.com', stored), token, expiresAt)).toBeUndefined();
  });

  it('opens nothing once the pending address was changed behind our back', () => {
    expect(openEmailChange(account('ceo@victim-corp.test', stored), token, before)).toBeUndefined();
  });

  it("opens nothing once the account's own address changed after the link was mailed", () => {
    expect(
      openEmailChange({ ...account('new@example.com', stored), email: 'other@example.com' }, token, before),
    ).toBeUndefined();
  });

  it('opens nothing for another account', () => {
    expect(
      openEmailChange({ ...account('new@example.com', stored), username: 'someone-else' }, token, before),
    ).toBeUndefined();
  });

  it('shows a live pending change without its token, and nothing spent, expired or missing', () => {
    expect(pendingEmailChange(account('new@example.com', stored), before)?.email).toBe('new@example.com');
    expect(pendingEmailChange(account('new@example.com', stored), expiresAt)).toBeUndefined();
    expect(pendingEmailChange(account('new@example.com', SPENT), before)).toBeUndefined();
    expect(pendingEmailChange(account(undefined, undefined), before)).toBeUndefined();
    expect(isSpent({ pendingEmailSecret: SPENT })).toBe(true);
  });
});
