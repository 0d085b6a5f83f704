import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AccountsApiError, createAccountsClient, dataOf } from '../../clients/typescript/src/index';

/*
 * A frontend on the typed client, as docs/frontend.md describes it. Where the service and Cognito
 * are comes from the page's address: ?api=…&cognito=…&region=…&client=… (the `npm start` banner
 * prints each; `cognito` is omitted on AWS, where the SDK finds Cognito's endpoint itself).
 */

const settings = new URLSearchParams(window.location.search);
const TOKEN_KEY = 'example.accessToken';

const accounts = createAccountsClient({
  baseUrl: settings.get('api') ?? '',
  // Kept for this tab only: sessionStorage dies with the tab, and nothing else on the origin reads it.
  getAccessToken: () => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
});

const cognito = new CognitoIdentityProviderClient({
  region: settings.get('region') ?? 'eu-west-1',
  ...(settings.get('cognito') ? { endpoint: settings.get('cognito') ?? '' } : {}),
  // InitiateAuth is an unauthenticated call: the browser holds no AWS credentials.
  credentials: { accessKeyId: 'none', secretAccessKey: 'none' },
});

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;
const say = (text: string) => ($<HTMLElement>('#status').textContent = text);
const field = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement).value;

/** What a person reads when a call fails: by the error's code, as docs/frontend.md lists them. */
function explain(error: unknown): string {
  if (!(error instanceof AccountsApiError)) return 'The service cannot be reached. Try again.';
  if (error.code === 'REAUTHENTICATION_REQUIRED')
    return 'For your safety, sign in again, then repeat what you were doing.';
  if (error.code === 'UNAUTHENTICATED') return 'You are signed out. Sign in again.';
  if (error.code === 'RATE_LIMITED')
    return `Too many attempts. Try again in ${error.retryAfterSeconds ?? 60} seconds.`;
  if (error.status === 503)
    return `Unavailable for a moment. Try again in ${error.retryAfterSeconds ?? 5} seconds.`;
  return error.messages.join(' ') || 'That did not work.';
}

/** Runs a form's action on submit; a failure is said, and a stale session leads to the sign-in form. */
function onSubmit(selector: string, action: (form: HTMLFormElement) => Promise<void>) {
  const form = $<HTMLFormElement>(selector);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    say('');
    action(form).catch((error: unknown) => {
      say(explain(error));
      if (error instanceof AccountsApiError && error.status === 401)
        $<HTMLElement>('#sign-in').scrollIntoView();
    });
  });
}

async function showAccount() {
  const me = await dataOf(accounts.GET('/accounts/me'));
  $<HTMLOutputElement>('#me-email').textContent = me.email;
  $<HTMLElement>('#account').hidden = false;
}

onSubmit('#signup', async (form) => {
  await accounts.POST('/accounts/signup', { body: { email: field(form, 'email') } });
  say('Check your inbox, then paste the link from the mail below.');
});

onSubmit('#activate', async (form) => {
  const link = new URL(field(form, 'link'));
  const [username, token] = [link.searchParams.get('u') ?? '', link.searchParams.get('t') ?? ''];
  await accounts.POST('/accounts/signup/complete', {
    body: { username, token, password: field(form, 'password') },
  });
  say('Your account is active: sign in.');
});

onSubmit('#sign-in', async (form) => {
  const answer = await cognito
    .send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: settings.get('client') ?? '',
        AuthParameters: { USERNAME: field(form, 'email'), PASSWORD: field(form, 'password') },
      }),
    )
    .catch(() => undefined);
  const accessToken = answer?.AuthenticationResult?.AccessToken;
  if (!accessToken) {
    say('The email address or password is not right.');
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, accessToken);
  await showAccount();
  say('Signed in.');
});

onSubmit('#change-email', async (form) => {
  await accounts.POST('/accounts/me/email', { body: { email: field(form, 'email') } });
  say('Check the new address for a confirmation link.');
});

if (sessionStorage.getItem(TOKEN_KEY)) showAccount().catch((error: unknown) => say(explain(error)));
