import { MemoryRecordStore } from '../coordination/memory-coordination';
import type { Principal } from './principal';
import { ReauthenticationRequiredError } from '../common/errors';
import { assertRecentSignIn } from './recent-sign-in';
import { Revocations } from './revocations';

describe('Revocations', () => {
  it('refuses tokens issued before the mark (and in its second), not those issued after', async () => {
    const revocations = new Revocations(new MemoryRecordStore());
    const at = new Date('2026-11-27T10:00:00.400Z');
    const seconds = Math.floor(at.getTime() / 1000);
    expect(await revocations.isRevoked('sub-1', seconds - 60)).toBe(false);
    await revocations.revokeAll('sub-1', at);
    expect(await revocations.isRevoked('sub-1', seconds - 60)).toBe(true);
    expect(await revocations.isRevoked('sub-1', seconds)).toBe(true);
    expect(await revocations.isRevoked('sub-1', seconds + 1)).toBe(false);
    expect(await revocations.isRevoked('sub-2', seconds - 60)).toBe(false);
  });
});

describe('assertRecentSignIn', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const principal = (authTime?: number): Principal => ({
    sub: 's',
    username: 'u',
    groups: [],
    issuedAt: now.getTime() / 1000,
    authTime,
  });

  it('lets a recent sign-in through', () => {
    expect(() => assertRecentSignIn(principal(now.getTime() / 1000 - 60), 600_000, now)).not.toThrow();
  });

  it.each([
    ['an old sign-in', principal(now.getTime() / 1000 - 601)],
    ['a token without auth_time', principal(undefined)],
  ])('asks to sign in again after %s', (_label, p) => {
    expect(() => assertRecentSignIn(p, 600_000, now)).toThrow(ReauthenticationRequiredError);
  });
});
