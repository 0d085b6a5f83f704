import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { sealEmailChange } from '../src/accounts/email-change/pending-email-change';
import { VERIFICATION_ATTRIBUTE } from '../src/cognito/attributes';
import { Clock } from '../src/common/clock';
import { adminUser, bearer } from './support/admin';
import { ManualClock } from './support/manual-clock';
import { getUserAttributes } from './support/cognito-pool';
import { activatedUser } from './support/flows';
import { startStack, TestStack } from './support/stack';

interface Report {
  expiredInvitations: { username: string }[];
  unverifiedActive: { username: string }[];
  duplicateEmails: { email: string; holders: { username: string }[] }[];
  expiredEmailChanges: { username: string }[];
}

describe('the account-health report finds each broken state, and each repair fixes it', () => {
  let stack: TestStack;
  let token: string;
  const clock = new ManualClock();
  const planted = {
    invited: '',
    duplicateActive: '',
    duplicateInvited: '',
    unverified: '',
    stalePending: '',
  };

  beforeAll(async () => {
    stack = await startStack({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
    const admin = await adminUser(stack, 'doctor@example.test');
    token = admin.accessToken;
    const { client, userPoolId } = stack.pool;
    const update = (Username: string, attributes: Record<string, string>) =>
      client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: userPoolId,
          Username,
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );

    // An invitation that will have expired once the clock moves 8 days on.
    const invited = await stack.app.inject({
      method: 'POST',
      url: '/admin/invitations',
      headers: bearer(token),
      payload: { email: 'late@example.test' },
    });
    planted.invited = invited.json<{ username: string }>().username;
    // An address held twice: an active account and a leftover invited one.
    planted.duplicateActive = (await activatedUser(stack, 'twice@example.test')).username;
    planted.duplicateInvited = randomUUID();
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: planted.duplicateInvited,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'twice@example.test' }],
      }),
    );
    // An active account whose email is not verified.
    planted.unverified = (await activatedUser(stack, 'unverified@example.test')).username;
    await update(planted.unverified, { email_verified: 'false' });
    // An email change whose link expired yesterday.
    planted.stalePending = (await activatedUser(stack, 'stale@example.test')).username;
    await update(planted.stalePending, {
      preferred_username: 'stale.new@example.test',
      [VERIFICATION_ATTRIBUTE]: sealEmailChange(
        'x'.repeat(32),
        planted.stalePending,
        'stale.new@example.test',
        new Date(Date.now() - 86_400_000),
        'stale@example.test',
      ),
    });
  }, 60_000);
  afterAll(() => stack?.close());

  const report = async () => {
    const res = await stack.app.inject({
      method: 'GET',
      url: '/admin/reports/accounts',
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    return res.json<Report>();
  };
  const repair = async (kind: string) => {
    const res = await stack.app.inject({
      method: 'POST',
      url: `/admin/repairs/${kind}`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    return res.json<{ changed: { username: string; action: string }[]; failed: unknown[] }>();
  };
  const usernames = (items: { username: string }[]) => items.map((item) => item.username);

  it('finds each planted state', async () => {
    const today = await report();
    expect(usernames(today.expiredInvitations)).toEqual([]);
    expect(usernames(today.unverifiedActive)).toEqual([planted.unverified]);
    expect(today.duplicateEmails).toEqual([
      {
        email: 'twice@example.test',
        holders: expect.arrayContaining([
          expect.objectContaining({ username: planted.duplicateActive, state: 'active' }),
          expect.objectContaining({ username: planted.duplicateInvited, state: 'invited' }),
        ]) as unknown,
      },
    ]);
    expect(usernames(today.expiredEmailChanges)).toEqual([planted.stalePending]);

    clock.advanceHours(8 * 24);
    const later = await report();
    expect(usernames(later.expiredInvitations).sort()).toEqual(
      [planted.invited, planted.duplicateInvited].sort(),
    );
  });

  it('removes the not-activated duplicate, never the active account', async () => {
    const result = await repair('duplicate-emails');
    expect(result).toMatchObject({
      changed: [{ username: planted.duplicateInvited, action: 'deleted' }],
      failed: [],
    });
    expect((await report()).duplicateEmails).toEqual([]);
    expect((await getUserAttributes(stack.pool, planted.duplicateActive)).email).toBe('twice@example.test');
  });

  it('clears the expired email change', async () => {
    const result = await repair('expired-email-changes');
    expect(result.changed).toEqual([{ username: planted.stalePending, action: 'pending-change-cleared' }]);
    expect((await report()).expiredEmailChanges).toEqual([]);
    const attributes = await getUserAttributes(stack.pool, planted.stalePending);
    expect(attributes.preferred_username).toBeUndefined();
    expect(attributes.email).toBe('stale@example.test');
  });

  it('removes the expired invitation, without a mail; the address is free for a new signup', async () => {
    const before = stack.smtp.mailsTo('late@example.test').length;
    const result = await repair('expired-invitations');
    expect(result.changed).toEqual([{ username: planted.invited, action: 'deleted' }]);
    expect((await report()).expiredInvitations).toEqual([]);
    await expect(getUserAttributes(stack.pool, planted.invited)).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
    expect(stack.smtp.mailsTo('late@example.test')).toHaveLength(before);
    expect(stack.logs.text).toContain(`"audit":"admin.repaired","username":"${planted.invited}"`);
  });
});
