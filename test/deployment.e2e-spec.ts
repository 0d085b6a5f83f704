import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { AWS_ACTIONS, TOKEN_AUTHORIZED_ACTIONS } from '../src/cognito/aws-actions';
import { DEFAULT_REGION } from './support/cognito-pool';
import { functionPolicy } from './support/aws-iam';
import {
  deploy,
  EMULATOR_VARIABLES,
  LAMBDA_VARIABLES,
  type Container,
  type Deployment,
} from './support/deployment';
import { call, holders, linkIn, mailsTo, plantExpiredInvitation, signIn } from './support/deployment-client';
import { scheduledEvent } from './support/event-sources';
import { ACTIVATION_LINK_PREFIX, CONFIRMATION_LINK_PREFIX, RESET_LINK_PREFIX } from './support/env';
import { TEST_PASSWORD } from './support/flows';
import { buildBundle, type Bundle } from './support/lambda';
import { receive } from './support/sqs';

/**
 * deploy/template.yaml run as AWS would run it, on moto: the stack's queues and table made from the
 * template's own properties, two containers of the API and two of the worker, each a process of the
 * bundle with only the environment the template gives its function (parameters filled in as an
 * operator would) plus Lambda's own variables and the emulators' endpoints (EMULATOR_VARIABLES, the
 * only additions). Requests come as API Gateway events, jobs as the event source mapping's batches,
 * and every AWS call a container makes goes through IAM as its function's policy in the template says.
 */
describe('the deployment (the SAM template on moto, two API and two worker containers)', () => {
  let bundle: Bundle;
  let aws: Deployment;
  let api: [Container, Container];
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;
  /** A client address of its own per test: the per-IP limit is on (the template keeps the default). */
  const freshIp = () => `198.51.100.${++n}`;

  beforeAll(async () => {
    bundle = await buildBundle();
    aws = await deploy(bundle.dir, { Api: 2, Worker: 2 });
    const apis = aws.containers.filter((c) => c.function === 'Api');
    api = [apis[0], apis[1]];
  }, 120_000);
  afterAll(async () => {
    await aws?.close();
    bundle?.remove();
  });

  /** Signs up on one container, activates on the other: an active account and its access token. */
  async function activated(email: string, ip: string) {
    expect((await call(api[0], 'POST', '/accounts/signup', { body: { email }, ip })).statusCode).toBe(202);
    await aws.jobsSettled();
    const { username, token } = await linkIn(aws, email, ACTIVATION_LINK_PREFIX);
    const done = await call(api[1], 'POST', '/accounts/signup/complete', {
      body: { username, token, password: TEST_PASSWORD },
      ip,
    });
    expect(done).toEqual({ statusCode: 200, body: { username, email } });
    return { username, accessToken: await signIn(aws, username) };
  }

  it('gives each container its function template environment, the DynamoDB store, and only the emulator endpoints besides', () => {
    for (const container of aws.containers) {
      const template = aws.stack.environment(container.function);
      const added = Object.keys(container.env).filter((name) => !(name in template));
      expect(added.filter((name) => !LAMBDA_VARIABLES.includes(name)).sort()).toEqual(
        [...EMULATOR_VARIABLES].sort(),
      );
      expect(container.env.COORDINATION_TABLE).toMatch(/CoordinationTable/);
      expect(container.env.REDIS_URL).toBe('');
    }
  });

  it('is ready on every API container: Cognito, the queue and the shared store answer each with its role', async () => {
    for (const container of api) {
      expect((await call(container, 'GET', '/health/ready', { ip: freshIp() })).statusCode).toBe(200);
    }
  });

  it('signup, activation, profile, email change and its confirmation, password reset: each step on another container', async () => {
    const ip = freshIp();
    const email = freshEmail('flow');
    const { username, accessToken } = await activated(email, ip);
    const auth = { token: accessToken, ip };
    expect(await call(api[0], 'GET', '/accounts/me', auth)).toMatchObject({
      statusCode: 200,
      body: { username, email, emailVerified: true },
    });

    const newEmail = freshEmail('moved');
    expect(
      (await call(api[1], 'POST', '/accounts/me/email', { ...auth, body: { email: newEmail } })).statusCode,
    ).toBe(202);
    await aws.jobsSettled();
    const confirmation = await linkIn(aws, newEmail, CONFIRMATION_LINK_PREFIX);
    const confirmed = await call(api[0], 'POST', '/accounts/email/confirm', {
      body: { username: confirmation.username, token: confirmation.token },
      ip,
    });
    expect(confirmed).toEqual({ statusCode: 200, body: { email: newEmail } });
    // The old address is told (activation mail, then the notice).
    await mailsTo(aws, email, 2);

    expect(
      (await call(api[1], 'POST', '/accounts/password/forgot', { body: { email: newEmail }, ip })).statusCode,
    ).toBe(202);
    await aws.jobsSettled();
    const reset = await linkIn(aws, newEmail, RESET_LINK_PREFIX, 2);
    const newPassword = `${TEST_PASSWORD}-2`;
    const done = await call(api[0], 'POST', '/accounts/password/reset', {
      body: { username: reset.username, token: reset.token, password: newPassword },
      ip,
    });
    expect(done).toEqual({ statusCode: 200, body: { username } });
    // The reset ended every session issued up to its second (tokens carry whole seconds): a new
    // sign-in counts from the next one (src/auth/revocations.ts).
    await new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1_000)));
    const fresh = await signIn(aws, username, newPassword);
    expect(await call(api[1], 'GET', '/accounts/me', { token: fresh, ip })).toMatchObject({
      statusCode: 200,
      body: { email: newEmail },
    });
  }, 90_000);

  it('signing out everywhere on one container: the old token is refused at once on the other', async () => {
    const ip = freshIp();
    const { accessToken } = await activated(freshEmail('signout'), ip);
    expect((await call(api[1], 'GET', '/accounts/me', { token: accessToken, ip })).statusCode).toBe(200);
    expect(
      (await call(api[0], 'POST', '/accounts/me/sessions/revoke', { token: accessToken, ip })).statusCode,
    ).toBe(204);
    expect(await call(api[1], 'GET', '/accounts/me', { token: accessToken, ip })).toMatchObject({
      statusCode: 401,
    });
  }, 90_000);

  it('an admin disables an account on one container: its token is refused on the other; enabled, it signs in again', async () => {
    const ip = freshIp();
    const admin = await activated(freshEmail('admin'), ip);
    await aws.pool.client.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: aws.pool.userPoolId,
        Username: admin.username,
        GroupName: 'admin',
      }),
    );
    const adminToken = await signIn(aws, admin.username);
    const user = await activated(freshEmail('disabled'), ip);
    const as = (token: string) => ({ token, ip });
    expect(
      (await call(api[0], 'POST', `/admin/users/${user.username}/disable`, as(adminToken))).statusCode,
    ).toBe(204);
    expect((await call(api[1], 'GET', '/accounts/me', as(user.accessToken))).statusCode).toBe(401);
    expect(
      (await call(api[1], 'POST', `/admin/users/${user.username}/enable`, as(adminToken))).statusCode,
    ).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1_000)));
    expect((await call(api[0], 'GET', '/accounts/me', as(await signIn(aws, user.username)))).statusCode).toBe(
      200,
    );
    expect((await call(api[1], 'DELETE', `/admin/users/${user.username}`, as(adminToken))).statusCode).toBe(
      204,
    );
    const invited = freshEmail('invited');
    const invitation = await call(api[0], 'POST', '/admin/invitations', {
      ...as(adminToken),
      body: { email: invited },
    });
    expect(invitation.statusCode).toBe(201);
    expect(await holders(aws, invited)).toEqual([invitation.body.username]);
  }, 90_000);

  it('a burst of signups for one address over both containers and both workers, ListUsers lagging 1.5 s: one account', async () => {
    const email = freshEmail('burst');
    aws.fidelity.setListUsersLagMs(1_500);
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call(api[i % 2], 'POST', '/accounts/signup', { body: { email }, ip: freshIp() }),
        ),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(202));
      // Both workers run their share at the same time, as Lambda scales out on a full queue.
      await aws.deliverSplit();
      await aws.jobsSettled();
    } finally {
      aws.fidelity.setListUsersLagMs(0);
    }
    expect(await holders(aws, email)).toHaveLength(1);
  }, 90_000);

  it("holds one client's per-IP rate limit across containers", async () => {
    const ip = freshIp();
    const answers = [];
    for (let i = 0; i < 45; i++) {
      answers.push(
        (
          await call(api[i % 2], 'POST', '/accounts/password/forgot', {
            body: { email: freshEmail('limit') },
            ip,
          })
        ).statusCode,
      );
    }
    // RATE_LIMIT_IP_PER_MINUTE keeps its default, 30, for the whole deployment.
    expect(answers.filter((status) => status === 202)).toHaveLength(30);
    expect(answers.filter((status) => status === 429)).toHaveLength(15);
    await aws.jobsSettled();
  }, 90_000);

  it('a job the worker cannot read goes to the dead-letter queue, found through the redrive policy', async () => {
    const queues = aws.stack.physicalResources;
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queues.JobsQueue?.ref, MessageBody: 'not a job' }));
    await aws.jobsSettled();
    const [dead] = await receive(aws.sqs, queues.JobsDeadLetterQueue?.ref ?? '');
    expect(dead?.Body).toBe('not a job');
    expect(dead?.MessageAttributes?.reason?.StringValue).toBeTruthy();
  }, 90_000);

  it("the template's schedule rule invokes a worker: invitations whose links expired are removed, live ones stay", async () => {
    const [lapsed, live] = [freshEmail('lapsed'), freshEmail('live')];
    // Expired yesterday, planted as the service writes it: the containers' clocks cannot be moved.
    const username = await plantExpiredInvitation(aws, lapsed);
    expect(
      (await call(api[0], 'POST', '/accounts/signup', { body: { email: live }, ip: freshIp() })).statusCode,
    ).toBe(202);
    await aws.jobsSettled();
    expect(await holders(aws, lapsed)).toEqual([username]);

    const worker = aws.containers.find((c) => c.function === 'Worker');
    await worker?.lambda.invoke('worker', scheduledEvent(aws.stack, 'Worker'));
    expect(await holders(aws, lapsed)).toEqual([]);
    expect(await holders(aws, live)).toHaveLength(1);
  }, 90_000);

  it("refuses a call the function's policy does not grant, as AWS does", async () => {
    // Credentials of the worker's role, outside its containers (so their record stays their own).
    aws.proxy.addPrincipal('ASIAPROBE', {
      container: 'probe',
      role: 'WorkerRole',
      statements: functionPolicy(aws.stack, 'Worker'),
    });
    const asWorker = new CognitoIdentityProviderClient({
      endpoint: aws.proxy.url,
      region: DEFAULT_REGION,
      credentials: { accessKeyId: 'ASIAPROBE', secretAccessKey: 'probe' },
      maxAttempts: 1,
    });
    try {
      await expect(
        asWorker.send(new AdminDisableUserCommand({ UserPoolId: aws.pool.userPoolId, Username: 'anyone' })),
      ).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    } finally {
      asWorker.destroy();
    }
    expect(aws.proxy.calls.filter((c) => c.caller === 'probe')).toEqual([
      expect.objectContaining({ action: 'cognito-idp:AdminDisableUser', allowed: false }),
    ]);
  });

  it('made every AWS call of every container with the permission of its function, and no other', () => {
    const calls = aws.proxy.calls.filter((c) => c.caller !== 'harness' && c.caller !== 'probe');
    expect(calls.filter((c) => !c.allowed)).toEqual([]);
    for (const [fn, logicalId] of [
      ['api', 'Api'],
      ['worker', 'Worker'],
    ] as const) {
      const granted = new Set([...Object.values(AWS_ACTIONS[fn]).flat(), ...TOKEN_AUTHORIZED_ACTIONS]);
      const made = new Set(calls.filter((c) => c.caller.startsWith(`${logicalId}-`)).map((c) => c.action));
      expect({ fn, beyondTheList: [...made].filter((action) => !granted.has(action)) }).toEqual({
        fn,
        beyondTheList: [],
      });
      if (fn === 'api') {
        // The calls the template's old shared policy refused (sign-out everywhere, reset, admin).
        expect([...made]).toEqual(
          expect.arrayContaining([
            'cognito-idp:AdminUserGlobalSignOut',
            'cognito-idp:AdminDisableUser',
            'cognito-idp:AdminEnableUser',
          ]),
        );
      }
      // Both containers of each function took part.
      for (const i of [1, 2]) expect(calls.some((c) => c.caller === `${logicalId}-${i}`)).toBe(true);
    }
  });
});
