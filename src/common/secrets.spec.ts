import { generateSecret, SECRET_LENGTH } from './secrets';
import { PASSWORD_POLICY } from '../provisioning/user-pool.definition';

describe('generateSecret', () => {
  const samples = Array.from({ length: 500 }, () => generateSecret());

  it('satisfies the pool password policy every time', () => {
    for (const secret of samples) {
      expect(secret.length).toBeGreaterThanOrEqual(PASSWORD_POLICY.MinimumLength);
      expect(secret).toMatch(/[A-Z]/);
      expect(secret).toMatch(/[a-z]/);
      expect(secret).toMatch(/[0-9]/);
      expect(secret).toMatch(/[-_]/);
    }
  });

  it('is URL-safe, so it travels in a link unchanged', () => {
    for (const secret of samples) expect(encodeURIComponent(secret)).toBe(secret);
  });

  it('never repeats and uses the whole alphabet', () => {
    expect(new Set(samples).size).toBe(samples.length);
    const seen = new Set(samples.join(''));
    expect(seen.size).toBe(64);
    expect(samples[0]).toHaveLength(SECRET_LENGTH);
  });
});
