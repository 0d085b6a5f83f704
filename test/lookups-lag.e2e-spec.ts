import { cognitoClient, listUsersByEmail } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX, CONFIRMATION_LINK_PREFIX, RESET_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams } from './support/flows';
import { jobsDone } from './support/jobs';
import { startStack, type TestStack } from './support/stack';

/**
 * Long enough that every lookup below runs while ListUsers (through the fidelity layer, as Cognito's
 * eventually consistent search may) still leaves out the account written last.
 */
const LAG_MS = 5_000;

/**
 * Forgot-password and signup's "you already have an account" find an account given its address
 * moments ago through the address records, as uniqueness does, not through ListUsers alone.
 */
describe('lookups by address while ListUsers lags behind', () => {
  let stack: TestStack;
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({ listUsersLagMs: LAG_MS });
  });
  afterAll(() => stack?.close());

  const post = (url: string, payload: object, accessToken?: string) =>
    stack.app.inject({
      method: 'POST',
      url,
      payload,
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    });

  /** The address is the account's on moto, but ListUsers through the layer does not show it yet. */
  const expectHiddenFromListUsers = async (email: string) => {
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(0);
    const direct = cognitoClient(stack.moto.endpoint);
    try {
      expect(
        await listUsersByEmail({ client: direct, userPoolId: stack.pool.userPoolId }, email),
      ).toHaveLength(1);
    } finally {
      direct.destroy();
    }
  };

  /** An active account whose address was just changed to a new one and confirmed. */
  const justConfirmedAddress = async () => {
    const user = await activatedUser(stack, freshEmail('old'));
    const email = freshEmail('new');
    expect((await post('/accounts/me/email', { email }, user.accessToken)).statusCode).toBe(202);
    const { username, token } = linkParams(
      (await stack.smtp.waitForMail(email)).text,
      CONFIRMATION_LINK_PREFIX,
    );
    expect((await post('/accounts/email/confirm', { username, token })).statusCode).toBe(200);
    return { user, email };
  };

  it('forgot-password right after activation mails the reset link', async () => {
    const user = await activatedUser(stack, freshEmail('activated'));
    await expectHiddenFromListUsers(user.email);

    expect((await post('/accounts/password/forgot', { email: user.email })).statusCode).toBe(202);
    const mail = await stack.smtp.waitForMail(user.email, { count: 2 });

    expect(mail.subject).toBe('Choose a new password');
    expect(linkParams(mail.text, RESET_LINK_PREFIX).username).toBe(user.username);
  });

  it('forgot-password right after an address change was confirmed mails the reset link to the new address', async () => {
    const { user, email } = await justConfirmedAddress();
    await expectHiddenFromListUsers(email);

    expect((await post('/accounts/password/forgot', { email })).statusCode).toBe(202);
    const mail = await stack.smtp.waitForMail(email, { count: 2 });

    expect(mail.subject).toBe('Choose a new password');
    expect(linkParams(mail.text, RESET_LINK_PREFIX).username).toBe(user.username);
  });

  it('signup right after an address change was confirmed sends "you already have an account", and no account is made', async () => {
    const { email } = await justConfirmedAddress();
    await expectHiddenFromListUsers(email);

    expect((await post('/accounts/signup', { email })).statusCode).toBe(202);
    const mail = await stack.smtp.waitForMail(email, { count: 2 });
    await jobsDone(stack.app);

    expect(mail.subject).toBe('You already have an account');
    expect(mail.text).not.toContain(ACTIVATION_LINK_PREFIX);
    // Still one account for the address, seen once the lag is over.
    stack.fidelity.setListUsersLagMs(0);
    expect(await listUsersByEmail(stack.pool, email)).toHaveLength(1);
    stack.fidelity.setListUsersLagMs(LAG_MS);
  });
});
