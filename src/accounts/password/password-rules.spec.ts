import { PASSWORD_POLICY } from '../../provisioning/user-pool.definition';
import { passwordRules, refusedPasswordMessage } from './password-rules';

describe('password rules in plain words', () => {
  it("says every rule of the pool's policy", () => {
    expect(passwordRules()).toBe(
      'at least 12 characters, with an upper-case letter, a lower-case letter, a digit and a symbol such as - _ ! or ?',
    );
    expect(refusedPasswordMessage()).toMatch(
      /^This password is too weak\. Choose one of at least 12 characters/,
    );
  });

  it('follows the policy it is given', () => {
    const policy = { ...PASSWORD_POLICY, MinimumLength: 8, RequireSymbols: false, RequireNumbers: false };
    expect(passwordRules(policy as unknown as typeof PASSWORD_POLICY)).toBe(
      'at least 8 characters, with an upper-case letter and a lower-case letter',
    );
    const lenient = { ...policy, RequireUppercase: false, RequireLowercase: false };
    expect(passwordRules(lenient as unknown as typeof PASSWORD_POLICY)).toBe('at least 8 characters');
  });
});
