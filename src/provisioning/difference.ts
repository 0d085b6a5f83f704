import { isDeepStrictEqual } from 'node:util';

/*
 * One difference between a pool (or app client) as Cognito describes it and the design: how the
 * comparisons find it and how it is shown to an operator. Pure: no SDK calls.
 */

/** One way in which a pool or app client differs from the design. */
export interface Difference {
  /** `pool`, `backend client` or `frontend client`. */
  where: string;
  what: string;
  expected: unknown;
  actual: unknown;
  /** Whether provisioning can fix it; if not, the pool or client must be created again. */
  fixable: boolean;
}

export const POOL = 'pool';

/** The entries of `source` under `keys` that are set. */
export function pick<T extends object, K extends PropertyKey>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, Extract<K, keyof T>>> {
  const entries = Object.entries(source).filter(
    ([key, value]) => value !== undefined && (keys as readonly PropertyKey[]).includes(key),
  );
  return Object.fromEntries(entries) as Partial<Pick<T, Extract<K, keyof T>>>;
}

/** Only the keys the design sets, so settings the design says nothing about never count as differences. */
export const sameKeysAs = (design: object, actual: object | undefined) =>
  actual && pick(actual, Object.keys(design));

export const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

export function differs(
  where: string,
  what: string,
  expected: unknown,
  actual: unknown,
  fixable = true,
): Difference[] {
  return isDeepStrictEqual(expected, actual) ? [] : [{ where, what, expected, actual, fixable }];
}

/** Entries one list has and the other has not, as one difference each way. */
export function listDifferences(
  where: string,
  phrases: { extra: string; missing: string },
  expected: readonly string[],
  actual: readonly string[],
): Difference[] {
  const extra = actual.filter((item) => !expected.includes(item));
  const missing = expected.filter((item) => !actual.includes(item));
  const difference = (phrase: string, items: string[]): Difference[] =>
    items.length === 0
      ? []
      : [
          {
            where,
            what: `${phrase} ${items.join(', ')}`,
            expected: sorted(expected),
            actual: sorted(actual),
            fixable: true,
          },
        ];
  return [...difference(phrases.extra, extra), ...difference(phrases.missing, missing)];
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

export function formatDifference(d: Difference): string {
  return `${d.where}: ${d.what} (expected ${show(d.expected)}, found ${show(d.actual)})`;
}

/** What an operator does about a difference. */
export function remedy(d: Difference): string {
  if (d.fixable) return 'npm run provision fixes this';
  if (d.where === POOL) {
    return 'cannot change once the pool exists: create a new pool under another name and move the users to it';
  }
  return 'cannot change once the client exists: delete this app client and provision again (its id changes)';
}
