import { createHash } from 'node:crypto';
import { str, type Json } from './cognito-wire.ts';

/**
 * Cognito's password history (`PasswordPolicy.PasswordHistorySize`), which moto does not keep: per
 * user, the last `size` passwords set with AdminSetUserPassword, the current one included. Only
 * digests are kept.
 */
export function passwordHistory() {
  let size = 0;
  const kept = new Map<string, string[]>();
  const digest = (password: string) => createHash('sha256').update(password).digest('hex');
  const userOf = (input: Json) => str(input.Username)?.toLowerCase();

  return {
    /** 0 (the default) turns the rule off, as in a pool without a history. */
    setSize(n: number): void {
      size = n;
    },
    /** Whether Cognito would answer this AdminSetUserPassword with PasswordHistoryPolicyViolationException. */
    refuses(input: Json): boolean {
      const user = userOf(input);
      const password = str(input.Password);
      return size > 0 && !!user && !!password && (kept.get(user) ?? []).includes(digest(password));
    },
    /** A password Cognito accepted. */
    remember(input: Json): void {
      const user = userOf(input);
      const password = str(input.Password);
      if (!user || !password) return;
      kept.set(user, [...(kept.get(user) ?? []), digest(password)].slice(-Math.max(size, 1)));
    },
  };
}
