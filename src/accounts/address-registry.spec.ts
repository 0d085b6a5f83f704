import type { Account, AccountState } from '../cognito/account';
import { sortByOwnership } from './address-registry';

const pickOwner = (accounts: Account[]) => sortByOwnership(accounts)[0];

const user = (username: string, state: AccountState, createdAt: string): Account => ({
  username,
  state,
  createdAt: new Date(createdAt),
  updatedAt: new Date(createdAt),
  email: 'someone@example.com',
  emailVerified: false,
});

/** Every ordering of `items`, to show the choice does not depend on the order Cognito lists users in. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('sortByOwnership', () => {
  it('has no owner for an address without accounts', () => {
    expect(pickOwner([])).toBeUndefined();
  });

  it('picks the only account', () => {
    const only = user('a', 'invited', '2024-01-01T00:00:00Z');
    expect(pickOwner([only])).toBe(only);
  });

  it('prefers an activated account over older ones that were never activated', () => {
    const older = user('a', 'invited', '2024-01-01T00:00:00Z');
    const activated = user('b', 'active', '2024-06-01T00:00:00Z');
    const newer = user('c', 'invited', '2024-07-01T00:00:00Z');

    for (const order of permutations([older, activated, newer])) expect(pickOwner(order)).toBe(activated);
  });

  it('picks the oldest of several unactivated accounts', () => {
    const oldest = user('z', 'invited', '2024-01-01T00:00:00.000Z');
    const middle = user('a', 'invited', '2024-01-01T00:00:00.001Z');
    const newest = user('m', 'invited', '2024-03-01T00:00:00Z');

    for (const order of permutations([oldest, middle, newest])) expect(pickOwner(order)).toBe(oldest);
  });

  it('breaks a tie in creation time by username, whatever the input order', () => {
    const at = '2024-01-01T00:00:00Z';
    const first = user('1b2c3d4e-0000-4000-8000-000000000000', 'invited', at);
    const second = user('7f000000-0000-4000-8000-000000000000', 'invited', at);
    const third = user('e0000000-0000-4000-8000-000000000000', 'invited', at);

    for (const order of permutations([third, first, second])) {
      expect(pickOwner(order)?.username).toBe(first.username);
    }
  });

  it('does not reorder the list it is given', () => {
    const users = [
      user('b', 'invited', '2024-02-01T00:00:00Z'),
      user('a', 'invited', '2024-01-01T00:00:00Z'),
    ];
    const copy = [...users];

    pickOwner(users);

    expect(users).toEqual(copy);
    expect(users[0]).toBe(copy[0]);
  });
});
