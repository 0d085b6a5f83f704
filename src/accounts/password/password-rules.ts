import { PASSWORD_POLICY } from '../../provisioning/user-pool.definition';

/**
 * The pool's password policy in plain words, from the pool definition that provisioning applies.
 * Cognito's own refusal ("Password does not conform to policy: ...", moto's "does not confirm to the
 * configured password policy") names one rule at best; a person needs all of them.
 */
export function passwordRules(policy: typeof PASSWORD_POLICY = PASSWORD_POLICY): string {
  const needs = [
    policy.RequireUppercase && 'an upper-case letter',
    policy.RequireLowercase && 'a lower-case letter',
    policy.RequireNumbers && 'a digit',
    policy.RequireSymbols && 'a symbol such as - _ ! or ?',
  ].filter((rule): rule is string => typeof rule === 'string');
  const last = needs.pop();
  const list = needs.length ? `${needs.join(', ')} and ${last}` : last;
  return `at least ${policy.MinimumLength} characters${list ? `, with ${list}` : ''}`;
}

/** The message of a refused password: what the user must change, not Cognito's wording. */
export const refusedPasswordMessage = (): string =>
  `This password is too weak. Choose one of ${passwordRules()}.`;
