import {
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { signInFrontend } from './support/cognito-pool';
import { fidelitySuite } from './support/fidelity-suite';
import { currentCode, wrongCode } from './support/totp';

const PASSWORD = 'Correct-Horse-9-Battery';

describe('Cognito fidelity layer: the SOFTWARE_TOKEN_MFA challenge (moto checking real TOTP codes)', () => {
  /** How far the tests moved the layer's time: a challenge's session expires on it. */
  let movedMs = 0;
  const suite = fidelitySuite(() => Date.now() + movedMs, { MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP: 'true' });

  /** A user with a verified email and TOTP on; returns the username, the email and the app's secret. */
  async function userWithTotp() {
    const email = `totp.${randomUUID()}@example.test`;
    const username = await suite.createUser(email, PASSWORD, true);
    const { client } = suite.pool;
    const { AccessToken } = await signInFrontend(suite.pool, username, PASSWORD);
    const { SecretCode = '' } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await client.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: await currentCode(SecretCode) }),
    );
    await client.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    return { username, email, secret: SecretCode };
  }

  const challenge = (identifier: string) =>
    suite.pool.client.send(
      new InitiateAuthCommand({
        ClientId: suite.pool.frontendClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: identifier, PASSWORD },
      }),
    );

  const answer = (Session: string | undefined, username: string, code: string) =>
    suite.pool.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: suite.pool.frontendClientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );

  it('names the username for a sign-in by email; a wrong code leaves the challenge standing; a used one is spent', async () => {
    const user = await userWithTotp();

    const started = await challenge(user.email);

    expect(started.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(started.ChallengeParameters?.USER_ID_FOR_SRP).toBe(user.username);
    const code = await currentCode(user.secret);
    await expect(answer(started.Session, user.username, wrongCode(code))).rejects.toMatchObject({
      name: 'CodeMismatchException',
    });
    const tokens = await answer(started.Session, user.username, await currentCode(user.secret));
    expect(tokens.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    await expect(
      answer(started.Session, user.username, await currentCode(user.secret)),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session can only be used once.',
    });
  });

  it('expires the session after the app client’s AuthSessionValidity (3 minutes), even for the right code', async () => {
    const user = await userWithTotp();
    const started = await challenge(user.username);

    movedMs += 3 * 60_000;

    await expect(
      answer(started.Session, user.username, await currentCode(user.secret)),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
    const again = await challenge(user.username);
    const tokens = await answer(again.Session, user.username, await currentCode(user.secret));
    expect(tokens.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });
});
