import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  DeleteUserPoolCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { PENDING_EMAIL_ATTRIBUTE, CUSTOM_ATTRIBUTES } from '../../src/cognito/attributes';
import { provisionPool } from '../../src/provisioning/provision-pool';
import { ACTIVATION_LINK_PREFIX, CONFIRMATION_LINK_PREFIX, testEnv } from '../support/env';
import { linkParams, TEST_PASSWORD } from '../support/flows';
import { startSmtp, type SmtpSink } from '../support/smtp';
import { bootService, startStack, type TestStack } from '../support/stack';

/**
 * The contract with Cognito that only Cognito can show. `npm run test:live` runs it on AWS (a
 * throwaway pool made by the project's own provisioning, deleted at the end); `npm test` runs it
 * against moto behind the fidelity layer, where the checks that need Cognito itself are skipped.
 */
const ON_AWS = process.env.LIVE_TARGET === 'aws';
const onCognito = ON_AWS ? it : it.skip;

interface Target {
  app: NestFastifyApplication;
  smtp: SmtpSink;
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  frontendClientId: string;
  close(): Promise<void>;
}

/** A throwaway pool on AWS, made and removed here; the service runs in this process against it. */
async function awsTarget(): Promise<Target> {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '';
  const client = new CognitoIdentityProviderClient({ region });
  const poolName = `cognito-accounts-live-${Date.now()}-${randomUUID().slice(0, 8)}`;
  let userPoolId: string | undefined;
  let smtp: SmtpSink | undefined;
  let restoreEnv = () => {};
  let app: NestFastifyApplication | undefined;
  const close = async () => {
    await app?.close();
    restoreEnv();
    await smtp?.stop();
    if (userPoolId) {
      // Deletion protection first: the design turns it on.
      await client.send(
        new UpdateUserPoolCommand({ UserPoolId: userPoolId, DeletionProtection: 'INACTIVE' }),
      );
      await client.send(new DeleteUserPoolCommand({ UserPoolId: userPoolId }));
    }
    client.destroy();
  };
  try {
    const pool = await provisionPool(client, { poolName });
    userPoolId = pool.userPoolId;
    smtp = await startSmtp();
    const env = testEnv({ endpoint: '', pool, smtpUrl: smtp.url, region });
    delete env.COGNITO_ENDPOINT;
    delete env.COGNITO_JWKS_URL;
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const booted = await bootService(env);
    ({ app, restoreEnv } = booted);
    return { app, smtp, client, userPoolId, frontendClientId: pool.frontendClientId, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function motoTarget(): Promise<Target> {
  const stack: TestStack = await startStack();
  return {
    app: stack.app,
    smtp: stack.smtp,
    client: stack.pool.client,
    userPoolId: stack.pool.userPoolId,
    frontendClientId: stack.pool.frontendClientId,
    close: () => stack.close(),
  };
}

describe(`the Cognito contract (${ON_AWS ? 'AWS' : 'moto behind the fidelity layer'})`, () => {
  let t: Target;
  const run = `${Date.now()}`;
  const email = (tag: string) => `${tag}.${run}@example.test`;

  beforeAll(async () => {
    t = ON_AWS ? await awsTarget() : await motoTarget();
  }, 120_000);
  afterAll(() => t?.close(), 60_000);

  const signIn = async (username: string, password = TEST_PASSWORD) => {
    const { AuthenticationResult } = await t.client.send(
      new InitiateAuthCommand({
        ClientId: t.frontendClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    return AuthenticationResult?.AccessToken ?? '';
  };

  /** Signs up through the API, follows the mailed link, and signs in by email through the frontend client. */
  const activated = async (address: string) => {
    const signup = await t.app.inject({
      method: 'POST',
      url: '/accounts/signup',
      payload: { email: address },
    });
    expect(signup.statusCode).toBe(202);
    const link = linkParams(
      (await t.smtp.waitForMail(address, { timeoutMs: 30_000 })).text,
      ACTIVATION_LINK_PREFIX,
    );
    const done = await t.app.inject({
      method: 'POST',
      url: '/accounts/signup/complete',
      payload: { username: link.username, token: link.token, password: TEST_PASSWORD },
    });
    expect(done.statusCode).toBe(200);
    return { username: link.username, accessToken: await signIn(address) };
  };

  it('after activation the user signs in by email through the frontend client', async () => {
    const user = await activated(email('alias'));
    expect(user.accessToken).not.toBe('');
  });

  it('after an email change the new address signs in and the old one does not', async () => {
    const old = email('before');
    const next = email('after');
    const user = await activated(old);
    const requested = await t.app.inject({
      method: 'POST',
      url: '/accounts/me/email',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { email: next },
    });
    expect(requested.statusCode).toBe(202);
    const link = linkParams(
      (await t.smtp.waitForMail(next, { timeoutMs: 30_000 })).text,
      CONFIRMATION_LINK_PREFIX,
    );
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/accounts/email/confirm',
      payload: { username: link.username, token: link.token },
    });
    expect(confirmed.statusCode).toBe(200);
    await expect(signIn(next)).resolves.not.toBe('');
    await expect(signIn(old)).rejects.toThrow();
  });

  // moto does not hold app clients to their WriteAttributes.
  onCognito(
    "with the user's own token the frontend client cannot write email, preferred_username or a custom attribute",
    async () => {
      const user = await activated(email('selfwrite'));
      for (const name of ['email', PENDING_EMAIL_ATTRIBUTE, ...CUSTOM_ATTRIBUTES]) {
        await expect(
          t.client.send(
            new UpdateUserAttributesCommand({
              AccessToken: user.accessToken,
              UserAttributes: [{ Name: name, Value: name === 'email' ? email('hijack') : 'x' }],
            }),
          ),
        ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      }
    },
  );

  it('refuses what the API model refuses: an attribute name over 32 characters, a filter over 256', async () => {
    const user = await activated(email('limits'));
    await expect(
      t.client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: t.userPoolId,
          Username: user.username,
          UserAttributes: [{ Name: `custom:${'x'.repeat(26)}`, Value: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      t.client.send(
        new ListUsersCommand({ UserPoolId: t.userPoolId, Filter: `email = "${'a'.repeat(250)}"` }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  // moto keeps no alias index: what it answers says nothing about Cognito.
  onCognito(
    'a second account verifying a taken address outside the service: what happens to the first',
    async () => {
      const shared = email('shared');
      const first = await activated(shared);
      const second = await activated(email('second'));
      const outcome = await t.client
        .send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: t.userPoolId,
            Username: second.username,
            UserAttributes: [
              { Name: 'email', Value: shared },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        )
        .then(
          () => 'accepted',
          (error: Error) => error.name,
        );
      const signsInAs = await signIn(shared).then(
        (token) =>
          JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { username: string },
        (error: Error) => ({ username: error.name }),
      );
      const firstNow = await t.client.send(
        new AdminGetUserCommand({ UserPoolId: t.userPoolId, Username: first.username }),
      );
      // Recorded for docs/aws.md: the answer, who signs in by the address, and the first account's flag.
      console.log(
        JSON.stringify({
          update: outcome,
          signsInAs:
            signsInAs.username === first.username
              ? 'first'
              : signsInAs.username === second.username
                ? 'second'
                : signsInAs.username,
          firstEmailVerified: firstNow.UserAttributes?.find((a) => a.Name === 'email_verified')?.Value,
        }),
      );
      expect(['accepted', 'AliasExistsException']).toContain(outcome);
    },
  );
});
