import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { TOTP, URI } from 'otpauth';
import { adminUser, bearer } from './support/admin';
import { signInFrontend } from './support/cognito-pool';
import { activatedUser, TEST_PASSWORD } from './support/flows';
import { forgeJwt } from './support/forge';
import { decodeJwt } from './support/jwt';
import { startStack, type TestStack } from './support/stack';
import { currentCode, wrongCode } from './support/totp';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';

/** The code an authenticator app with this `otpauth://` URI shows now (and for some seconds more). */
const codeFor = (otpauthUri: string) => currentCode(URI.parse(otpauthUri).secret);

describe('two-step sign-in with an authenticator app (moto checking real TOTP codes + SMTP)', () => {
  let stack: TestStack;
  let proxy: FaultProxy;
  let n = 0;
  const freshEmail = (tag = 'mfa') => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({
      motoEnv: { MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP: 'true' },
      endpointFor: async (motoEndpoint) => {
        proxy = await startFaultProxy(motoEndpoint);
        return proxy.url;
      },
    });
  });
  afterEach(() => proxy.clear());
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    stack.app.inject({ method, url, headers: bearer(token), payload });

  const totpOf = async (token: string): Promise<boolean> => {
    const me = await call('GET', '/accounts/me', token);
    expect(me.statusCode).toBe(200);
    return me.json<{ mfa: { totp: boolean } }>().mfa.totp;
  };

  /** A user with TOTP on, and the URI their authenticator app holds. */
  async function userWithTotp() {
    const user = await activatedUser(stack, freshEmail());
    const setup = await call('POST', '/accounts/me/mfa/totp', user.accessToken);
    expect(setup.statusCode).toBe(200);
    const { otpauthUri } = setup.json<{ secret: string; otpauthUri: string }>();
    const verified = await call('POST', '/accounts/me/mfa/totp/verify', user.accessToken, {
      code: await codeFor(otpauthUri),
    });
    expect(verified.statusCode).toBe(204);
    return { ...user, otpauthUri };
  }

  /** Signs in as the browser does, answering the SOFTWARE_TOKEN_MFA challenge with the app's code. */
  async function signInWithCode(username: string, otpauthUri: string): Promise<AuthenticationResultType> {
    const started = await stack.pool.client.send(
      new InitiateAuthCommand({
        ClientId: stack.pool.frontendClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: TEST_PASSWORD },
      }),
    );
    expect(started.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const answered = await stack.pool.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.pool.frontendClientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: started.Session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: await codeFor(otpauthUri) },
      }),
    );
    if (!answered.AuthenticationResult) throw new Error(`challenge answered ${answered.ChallengeName}`);
    return answered.AuthenticationResult;
  }

  it('starts a set-up with the secret and a URI naming the service and the address; MFA stays off', async () => {
    const user = await activatedUser(stack, freshEmail());
    expect(await totpOf(user.accessToken)).toBe(false);

    const setup = await call('POST', '/accounts/me/mfa/totp', user.accessToken);

    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUri } = setup.json<{ secret: string; otpauthUri: string }>();
    const app = URI.parse(otpauthUri);
    // The same secret typed by hand gives the same codes (moto's secret is not canonical base32).
    expect(new TOTP({ secret }).generate()).toBe(app.generate());
    expect(app.issuer).toBe('Cognito Accounts');
    expect(app.label).toBe(user.email);
    expect(await totpOf(user.accessToken)).toBe(false);
    // An unverified set-up asks nothing more at sign-in.
    await expect(signInFrontend(stack.pool, user.username, TEST_PASSWORD)).resolves.toHaveProperty(
      'AccessToken',
    );
  });

  it('refuses a wrong code with 400 INVALID_MFA_CODE and leaves MFA off, without a notice', async () => {
    const user = await activatedUser(stack, freshEmail());
    const setup = await call('POST', '/accounts/me/mfa/totp', user.accessToken);
    const { otpauthUri } = setup.json<{ otpauthUri: string }>();
    const mailsBefore = stack.smtp.mailsTo(user.email).length;

    const res = await call('POST', '/accounts/me/mfa/totp/verify', user.accessToken, {
      code: wrongCode(await codeFor(otpauthUri)),
    });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect(await totpOf(user.accessToken)).toBe(false);
    expect(stack.smtp.mailsTo(user.email)).toHaveLength(mailsBefore);
  });

  it('turns TOTP on with the right code and mails a notice; sign-in then answers the challenge', async () => {
    const user = await userWithTotp();

    expect(await totpOf(user.accessToken)).toBe(true);
    const notice = await stack.smtp.waitForMail(user.email, { count: 2 });
    expect(notice.subject).toBe('Two-step sign-in was turned on');
    await expect(signInFrontend(stack.pool, user.username, TEST_PASSWORD)).rejects.toThrow(
      'SOFTWARE_TOKEN_MFA',
    );
    const tokens = await signInWithCode(user.username, user.otpauthUri);
    expect(await totpOf(tokens.AccessToken ?? '')).toBe(true);
  });

  it('leaves MFA off when Cognito fails after the code was verified; a new set-up then turns it on', async () => {
    const user = await activatedUser(stack, freshEmail());
    const first = await call('POST', '/accounts/me/mfa/totp', user.accessToken);
    const mailsBefore = stack.smtp.mailsTo(user.email).length;
    // VerifySoftwareToken succeeds, the preference that turns TOTP on fails (every retry too).
    proxy.inject('SetUserMFAPreference', { kind: 'error5xx' });

    const failed = await call('POST', '/accounts/me/mfa/totp/verify', user.accessToken, {
      code: await codeFor(first.json<{ otpauthUri: string }>().otpauthUri),
    });

    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBeDefined();
    proxy.clear();
    expect(await totpOf(user.accessToken)).toBe(false);
    await expect(signInFrontend(stack.pool, user.username, TEST_PASSWORD)).resolves.toHaveProperty(
      'AccessToken',
    );
    expect(stack.smtp.mailsTo(user.email)).toHaveLength(mailsBefore);
    // What the page offers next: set up again and verify; TOTP is on, and the notice goes out.
    const again = await call('POST', '/accounts/me/mfa/totp', user.accessToken);
    const verified = await call('POST', '/accounts/me/mfa/totp/verify', user.accessToken, {
      code: await codeFor(again.json<{ otpauthUri: string }>().otpauthUri),
    });
    expect(verified.statusCode).toBe(204);
    expect(await totpOf(user.accessToken)).toBe(true);
    const notice = await stack.smtp.waitForMail(user.email, { count: mailsBefore + 1 });
    expect(notice.subject).toBe('Two-step sign-in was turned on');
  });

  it('turns it off only after a recent sign-in: 401 REAUTHENTICATION_REQUIRED, then 204 and a notice', async () => {
    const user = await userWithTotp();
    // The same token, as if its sign-in were 11 minutes old (signed with the emulator's key).
    const claims = decodeJwt(user.accessToken);
    const old = forgeJwt({ ...claims, auth_time: Math.floor(Date.now() / 1000) - 11 * 60 });

    const refused = await call('DELETE', '/accounts/me/mfa/totp', old);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED' });
    expect(await totpOf(user.accessToken)).toBe(true);

    const done = await call('DELETE', '/accounts/me/mfa/totp', user.accessToken);
    expect(done.statusCode).toBe(204);
    expect(await totpOf(user.accessToken)).toBe(false);
    const notice = await stack.smtp.waitForMail(user.email, { count: 3 });
    expect(notice.subject).toBe('Two-step sign-in was turned off');
    await expect(signInFrontend(stack.pool, user.username, TEST_PASSWORD)).resolves.toHaveProperty(
      'AccessToken',
    );
  });

  it('lets an admin reset a user’s MFA: the user is told, and signs in with the password alone', async () => {
    const admin = await adminUser(stack, freshEmail('admin'));
    const user = await userWithTotp();
    const view = await call('GET', `/admin/users/${user.username}`, admin.accessToken);
    expect(view.json()).toMatchObject({ totpMfa: true });

    const res = await call('POST', `/admin/users/${user.username}/mfa/reset`, admin.accessToken);

    expect(res.statusCode).toBe(204);
    const notice = await stack.smtp.waitForMail(user.email, { count: 3 });
    expect(notice.subject).toBe('Two-step sign-in was turned off');
    expect((await call('GET', `/admin/users/${user.username}`, admin.accessToken)).json()).toMatchObject({
      totpMfa: false,
    });
    await expect(signInFrontend(stack.pool, user.username, TEST_PASSWORD)).resolves.toHaveProperty(
      'AccessToken',
    );
    const own = await call('POST', `/admin/users/${admin.username}/mfa/reset`, admin.accessToken);
    expect(own.statusCode).toBe(409);
  });
});
