import { generateSecret } from '../../common/secrets';
import { isLive, openVerification, sealVerification, tokenMatches } from './pending-email-change';

describe('email-change verification records', () => {
  const token = generateSecret();
  const expiresAt = new Date('2030-01-01T00:00:00Z');
  const stored = sealVerification(token, expiresAt);

  it('never stores the token itself', () => {
    expect(stored).not.toContain(token);
    expect(stored.length).toBeLessThan(2048);
  });

  it('accepts the token it was made for and nothing else', () => {
    const pending = openVerification(stored)!;
    expect(tokenMatches(pending, token)).toBe(true);
    expect(tokenMatches(pending, generateSecret())).toBe(false);
    expect(tokenMatches(pending, `${token}x`)).toBe(false);
    expect(tokenMatches(pending, '')).toBe(false);
  });

  it('expires at the stored instant', () => {
    const pending = openVerification(stored)!;
    expect(pending.expiresAt).toEqual(expiresAt);
    expect(isLive(pending, new Date(expiresAt.getTime() - 1))).toBe(true);
    expect(isLive(pending, expiresAt)).toBe(false);
  });

  it.each(['', 'false', 'v1:abc:def', `v2:${expiresAt.getTime()}:x`, `${stored}:extra`, 'v1:1:c2hvcnQ'])(
    'reads %p as no pending change',
    (value) => {
      expect(openVerification(value)).toBeUndefined();
    },
  );

  it('reads a missing attribute as no pending change', () => {
    expect(openVerification(undefined)).toBeUndefined();
  });
});
