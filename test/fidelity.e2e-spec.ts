import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminUpdateUserAttributesCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  ListUsersCommand,
  type AdminCreateUserCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import {
  backendClientDefinition,
  frontendClientDefinition,
  mfaDefinition,
  userPoolDefinition,
} from '../src/provisioning/user-pool.definition';
import { FIDELITY_COUNTS_PATH, type CognitoFidelity } from '../tools/cognito-fidelity';
import { CognitoModelValidator, loadCognitoModel } from '../tools/cognito-model';

import { jwksUrl, listUsersByEmail, type TestPool } from './support/cognito-pool';
import { fidelitySuite } from './support/fidelity-suite';
import { installedMotoPython } from '../tools/moto';

const PASSWORD = 'Correct-Horse-9-Battery';

describe('Cognito fidelity layer (in front of moto)', () => {
  /** The layer's time, moved by the tests: the ListUsers lag is judged on it, not on the machine's. */
  let clockMs = 0;
  const suite = fidelitySuite(() => clockMs);
  let layer: CognitoFidelity;
  let pool: TestPool;

  beforeAll(() => {
    ({ layer, pool } = suite);
  });

  afterEach(() => layer.setListUsersLagMs(0));

  /** A user with a permanent password and the given email (verified or not). */
  const createUser = (email: string, verified: boolean) => suite.createUser(email, PASSWORD, verified);

  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    const { message, $metadata } = error as InvalidParameterException;
    expect($metadata.httpStatusCode).toBe(400);
    return message;
  };

  describe('validation against the API model', () => {
    it('refuses an attribute name over 32 characters in Cognito words', async () => {
      const message = await refusal(
        pool.client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: pool.userPoolId,
            Username: randomUUID(),
            UserAttributes: [{ Name: `custom:${'x'.repeat(26)}`, Value: 'v' }],
          }),
        ),
      );
      expect(message).toBe(
        "1 validation error detected: Value at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32",
      );
    });

    it('refuses a ListUsers filter over 256 characters, showing the value as Cognito does', async () => {
      const filter = `email = "${'a'.repeat(235)}@example.com"`;
      expect(filter).toHaveLength(257);
      const message = await refusal(
        pool.client.send(new ListUsersCommand({ UserPoolId: pool.userPoolId, Filter: filter })),
      );
      expect(message).toBe(
        `1 validation error detected: Value '${filter}' at 'filter' failed to satisfy constraint: Member must have length less than or equal to 256`,
      );
    });

    it('refuses a value outside an enum, and counts every violation', async () => {
      const input = {
        UserPoolId: pool.userPoolId,
        Username: randomUUID(),
        MessageAction: 'SHOUT',
        UserAttributes: [{ Name: `custom:${'x'.repeat(26)}`, Value: 'x' }],
      } as unknown as AdminCreateUserCommandInput;
      const message = await refusal(pool.client.send(new AdminCreateUserCommand(input)));
      expect(message).toBe(
        '2 validation errors detected: ' +
          "Value at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32; " +
          "Value 'SHOUT' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]",
      );
    });

    it('answers on the wire as Cognito does: 400 and the error type in a header', async () => {
      const res = await fetch(layer.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers',
        },
        body: JSON.stringify({ UserPoolId: pool.userPoolId, Limit: 61 }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('InvalidParameterException');
      expect(await res.json()).toEqual({
        __type: 'InvalidParameterException',
        message:
          "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
      });
    });

    it('passes a valid request to moto', async () => {
      const username = await createUser(`valid-${randomUUID()}@example.com`, false);
      const user = await pool.client.send(
        new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: username }),
      );
      expect(user.Username).toBe(username);
    });

    it('finds nothing to refuse in the pool definition (the pool above was created through the layer)', () => {
      const validator = new CognitoModelValidator(loadCognitoModel(installedMotoPython()));
      expect(validator.violations('CreateUserPool', userPoolDefinition('cognito-accounts'))).toEqual([]);
      expect(validator.violations('SetUserPoolMfaConfig', mfaDefinition(pool.userPoolId))).toEqual([]);
      expect(validator.violations('CreateUserPoolClient', backendClientDefinition(pool.userPoolId))).toEqual(
        [],
      );
      expect(validator.violations('CreateUserPoolClient', frontendClientDefinition(pool.userPoolId))).toEqual(
        [],
      );
    });

    it('forwards what is not an API request: the JWKS', async () => {
      const res = await fetch(jwksUrl(pool));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    });
  });

  describe('sign-in by the email alias', () => {
    const usernameIn = (accessToken = '') =>
      (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { username: string })
        .username;

    it('signs in by a verified email with AdminInitiateAuth and InitiateAuth, case-insensitively', async () => {
      const email = `alias-${randomUUID()}@example.com`;
      const username = await createUser(email, true);
      const admin = await pool.client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: pool.userPoolId,
          ClientId: pool.backendClientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: PASSWORD },
        }),
      );
      expect(usernameIn(admin.AuthenticationResult?.AccessToken)).toBe(username);
      const frontend = await pool.client.send(
        new InitiateAuthCommand({
          ClientId: pool.frontendClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email.toUpperCase(), PASSWORD: PASSWORD },
        }),
      );
      expect(usernameIn(frontend.AuthenticationResult?.AccessToken)).toBe(username);
    });

    it('still signs in by username', async () => {
      const username = await createUser(`by-name-${randomUUID()}@example.com`, true);
      const res = await pool.client.send(
        new InitiateAuthCommand({
          ClientId: pool.frontendClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: PASSWORD },
        }),
      );
      expect(usernameIn(res.AuthenticationResult?.AccessToken)).toBe(username);
    });

    it('does not sign in by an unverified email', async () => {
      const email = `unverified-${randomUUID()}@example.com`;
      await createUser(email, false);
      for (const command of [
        new AdminInitiateAuthCommand({
          UserPoolId: pool.userPoolId,
          ClientId: pool.backendClientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: PASSWORD },
        }),
        new InitiateAuthCommand({
          ClientId: pool.frontendClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: PASSWORD },
        }),
      ]) {
        await expect(pool.client.send(command as AdminInitiateAuthCommand)).rejects.toMatchObject({
          name: expect.stringMatching(/NotAuthorizedException|UserNotFoundException/) as unknown,
        });
      }
    });
  });

  it('ListUsers lag hides a user written within the lag, then shows it', async () => {
    const settled = `settled-${randomUUID()}@example.com`;
    await createUser(settled, true);
    layer.setListUsersLagMs(1500);
    // Written before the lag was set, long enough ago: listed.
    clockMs += 1600;
    expect(await listUsersByEmail(pool, settled)).toHaveLength(1);
    const fresh = `fresh-${randomUUID()}@example.com`;
    const username = await createUser(fresh, true);
    clockMs += 1499;
    expect(await listUsersByEmail(pool, fresh)).toEqual([]);
    clockMs += 1;
    expect((await listUsersByEmail(pool, fresh)).map((u) => u.Username)).toEqual([username]);
  });

  it('counts requests per operation, in process and over HTTP', async () => {
    layer.resetCounts();
    await listUsersByEmail(pool, 'nobody@example.com');
    await listUsersByEmail(pool, 'nobody@example.com');
    await pool.client
      .send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: randomUUID() }))
      .catch(() => undefined);
    await pool.client
      .send(new ListUsersCommand({ UserPoolId: pool.userPoolId, Limit: 61 }))
      .catch(() => undefined);
    expect(layer.counts()).toEqual({ ListUsers: 3, AdminGetUser: 1 });
    const url = `${layer.endpoint}${FIDELITY_COUNTS_PATH}`;
    expect(await (await fetch(url)).json()).toEqual({ ListUsers: 3, AdminGetUser: 1 });
    expect(await (await fetch(url, { method: 'DELETE' })).json()).toEqual({});
    expect(layer.counts()).toEqual({});
  });
});
