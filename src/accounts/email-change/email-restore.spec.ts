import { generateSecret } from '../../common/secrets';
import { chainEmailRestore, openEmailRestore, RESTORE_SPENT } from './email-restore';

describe('email restore chains', () => {
  const username = '0b6d8c1e-0000-4000-8000-000000000001';
  const start = new Date('2030-01-01T00:00:00Z');
  const DAY = 86_400_000;
  const at = (days: number) => new Date(start.getTime() + days * DAY);
  /** A confirmed change away from `leaving` on day `day`, its link working for 3 days. */
  const change = (record: string | undefined, leaving: string, day: number) => {
    const token = generateSecret();
    const next = chainEmailRestore(record, { token, username, leaving, expiresAt: at(day + 3) }, at(day));
    return { token, record: next };
  };
  const open = (record: string | undefined, token: string, now: Date, who = username) =>
    openEmailRestore({ username: who, emailRestore: record }, token, now);

  it('keeps the origin beside seals, never a token, and opens it for its account until it expires', () => {
    const { token, record } = change(undefined, 'old@example.com', 0);
    expect(record).toMatch(/ old@example\.com$/);
    expect(record).not.toContain(token);
    expect(open(record, token, at(1))).toBe('old@example.com');
    expect(open(record, generateSecret(), at(1))).toBeUndefined();
    expect(open(record, token, at(3))).toBeUndefined();
    expect(open(record, token, at(1), 'someone-else')).toBeUndefined();
  });

  it('a second and third change keep the first link, and every link restores the origin only', () => {
    const first = change(undefined, 'owner@example.com', 0);
    const second = change(first.record, 'a1@example.com', 1);
    const third = change(second.record, 'a2@example.com', 2);
    for (const token of [first.token, second.token, third.token]) {
      expect(open(third.record, token, at(2.5))).toBe('owner@example.com');
    }
    expect(third.record).not.toContain('a1@example.com');
    expect(open(third.record, first.token, at(3.5))).toBeUndefined();
    expect(open(third.record, third.token, at(3.5))).toBe('owner@example.com');
  });

  it('starts a new chain once every link of the last one has expired', () => {
    const first = change(undefined, 'owner@example.com', 0);
    const later = change(first.record, 'new@example.com', 4);
    expect(open(later.record, later.token, at(5))).toBe('new@example.com');
    expect(later.record.split(' ')).toHaveLength(2);
  });

  it("stays within a custom attribute after many changes, and keeps the owner's link", () => {
    const first = change(undefined, `${'o'.repeat(64)}@${'d'.repeat(180)}.example`, 0);
    let record = first.record;
    for (let i = 1; i <= 40; i++) record = change(record, `a${i}@example.com`, i / 20).record;
    expect(record.length).toBeLessThanOrEqual(2048);
    expect(open(record, first.token, at(2.5))).toMatch(/^o+@/);
  });

  it('opens nothing once the origin in the record was changed, or the record was spent', () => {
    const { token, record } = change(undefined, 'old@example.com', 0);
    const tampered = record.replace('old@example.com', 'attacker@example.com');
    expect(open(tampered, token, at(1))).toBeUndefined();
    expect(open(RESTORE_SPENT, token, at(1))).toBeUndefined();
    expect(open(undefined, token, at(1))).toBeUndefined();
  });
});
