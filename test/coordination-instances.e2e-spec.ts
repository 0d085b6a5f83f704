import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { cognitoClient, listUsersByEmail } from './support/cognito-pool';
import { coordinationTableEnv, createCoordinationTable } from './support/dynamodb';
import { activatedUser } from './support/flows';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';

/**
 * What the issue saw break with a private store per container, on two instances sharing one
 * DynamoDB table (moto's) instead: the address lock with ListUsers lagging as on AWS, the sign-out
 * mark, and one client's rate limit.
 */
describe('two instances sharing the DynamoDB coordination store', () => {
  let stack: TestStack;
  let apps: NestFastifyApplication[];
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({ listUsersLagMs: 1_500 });
    const shared = {
      ...coordinationTableEnv(stack.moto.endpoint, await createCoordinationTable(stack.moto.endpoint)),
      INSTANCE_COUNT: '2',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_IP_PER_MINUTE: '6',
    };
    apps = [(await stack.bootApp({ env: shared })).app, (await stack.bootApp({ env: shared })).app];
  }, 60_000);
  afterAll(() => stack?.close());

  /** Every account holding the address, as moto has it now (no lag). */
  const holders = (email: string) => {
    const direct = cognitoClient(stack.moto.endpoint);
    return listUsersByEmail({ client: direct, userPoolId: stack.pool.userPoolId }, email).finally(() =>
      direct.destroy(),
    );
  };
  /** From its own client address, so the per-IP limit of one test does not spill into another. */
  const signup = (app: NestFastifyApplication, email: string, ip: string) =>
    app.inject({ method: 'POST', url: '/accounts/signup', payload: { email }, remoteAddress: ip });

  it('is ready once the table answers, and says which store it checked', async () => {
    const ready = await apps[0].inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { cognito: 'ok', dynamodb: 'ok' } });
  });

  it('a burst of signups for one address over both instances makes one account', async () => {
    const email = freshEmail('burst');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signup(apps[i % 2], email, '198.51.100.1')),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(202));
    await stack.smtp.waitForMail(email, { count: 6 });
    await Promise.all(apps.map((app) => jobsDone(app)));

    expect(await holders(email)).toHaveLength(1);
  });

  it('a sign-out everywhere on one instance is refused at once on the other', async () => {
    const user = await activatedUser(stack, freshEmail('signout'));
    const me = (app: NestFastifyApplication) =>
      app.inject({
        method: 'GET',
        url: '/accounts/me',
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
    expect((await me(apps[1])).statusCode).toBe(200);

    const revoked = await apps[0].inject({
      method: 'POST',
      url: '/accounts/me/sessions/revoke',
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(revoked.statusCode).toBe(204);

    const refused = await me(apps[1]);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ message: /revoked/ });
  });

  it('holds one client to its per-IP limit across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await signup(apps[i % 2], freshEmail('limit'), '198.51.100.2')).statusCode);
    }
    expect(statuses.filter((status) => status === 202)).toHaveLength(6);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
  });
});
