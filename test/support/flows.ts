import { signInFrontend } from './cognito-pool';
import { ACTIVATION_LINK_PREFIX } from './env';
import { linkFrom } from './links';
import type { TestStack } from './stack';

export const TEST_PASSWORD = 'Correct-Horse-9-Battery';

/** The `u` and `t` parameters of the first link with this prefix in a mail's text part. */
export function linkParams(text: string | undefined, prefix: string) {
  const url = linkFrom(text ?? '', prefix);
  return { url, username: url.searchParams.get('u') ?? '', token: url.searchParams.get('t') ?? '' };
}

/** A user who signed up and activated through the API, signed in with the frontend client. */
export async function activatedUser(stack: TestStack, email: string, password = TEST_PASSWORD) {
  const before = stack.smtp.mailsTo(email).length;
  const signup = await stack.app.inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
  if (signup.statusCode !== 202) throw new Error(`signup answered ${signup.statusCode}: ${signup.body}`);
  const mail = await stack.smtp.waitForMail(email, { count: before + 1 });
  const { username, token } = linkParams(mail.text, ACTIVATION_LINK_PREFIX);
  const done = await stack.app.inject({
    method: 'POST',
    url: '/accounts/signup/complete',
    payload: { username, token, password },
  });
  if (done.statusCode !== 200) throw new Error(`complete answered ${done.statusCode}: ${done.body}`);
  const tokens = await signInFrontend(stack.pool, username, password);
  return { username, email, password, accessToken: tokens.AccessToken ?? '', idToken: tokens.IdToken ?? '' };
}
