import { api, problem, say } from './demo.js';

// sessionStorage keeps the access token across reloads of this tab only. Signing out here just
// forgets it; a real app would also revoke its refresh token (Cognito RevokeToken).
const TOKEN_KEY = 'cognito-accounts-demo:access-token';

const signInForm = document.querySelector('#sign-in');
const account = document.querySelector('#account');
const changeForm = document.querySelector('#change-email');
const cancelButton = document.querySelector('#cancel-change');
const status = document.querySelector('#status');

/** Signs in through the frontend app client, the way any browser app can: InitiateAuth USER_PASSWORD_AUTH. */
async function signIn(config, username, password) {
  const response = await fetch(config.cognitoEndpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = await response.json();
  if (!response.ok)
    throw new Error(body.message ?? body.__type ?? `Cognito answered HTTP ${response.status}`);
  if (!body.AuthenticationResult) {
    throw new Error(`Cognito asks for ${body.ChallengeName}, which this demo page does not handle.`);
  }
  return body.AuthenticationResult.AccessToken;
}

function showSignIn() {
  sessionStorage.removeItem(TOKEN_KEY);
  account.hidden = true;
  signInForm.hidden = false;
}

function showProfile(me) {
  document.querySelector('#me-username').textContent = me.username;
  document.querySelector('#me-email').textContent = me.email;
  document.querySelector('#me-verified').textContent = me.emailVerified ? 'yes' : 'no';
  document.querySelector('#me-pending').textContent = me.pendingEmail ?? 'none';
  cancelButton.hidden = !me.pendingEmail;
  signInForm.hidden = true;
  account.hidden = false;
}

/** Shows `GET /accounts/me`, or the sign-in form when there is no valid token. */
async function refresh() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return showSignIn();
  const answer = await api('GET', '/accounts/me', { token });
  if (answer.status === 401) return showSignIn();
  if (!answer.ok) return say(status, problem(answer), { error: true });
  showProfile(answer.body);
}

/** Runs an authenticated API call, shows its outcome and the profile as it is now; resolves with whether it worked. */
async function act(method, path, body, success) {
  const answer = await api(method, path, { body, token: sessionStorage.getItem(TOKEN_KEY) });
  if (answer.ok) say(status, success);
  else say(status, problem(answer), { error: true });
  await refresh();
  return answer.ok;
}

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const config = await (await fetch('config.json')).json();
  try {
    const token = await signIn(
      config,
      signInForm.elements.identifier.value,
      signInForm.elements.password.value,
    );
    sessionStorage.setItem(TOKEN_KEY, token);
    say(status, '');
    await refresh();
  } catch (error) {
    say(status, error.message, { error: true });
  }
});

changeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = changeForm.elements.email.value;
  if (await act('POST', '/accounts/me/email', { email }, `We sent a confirmation link to ${email}.`))
    changeForm.reset();
});

cancelButton.addEventListener('click', () =>
  act(
    'DELETE',
    '/accounts/me/email',
    undefined,
    'The pending change is cancelled; its link no longer works.',
  ),
);

document.querySelector('#sign-out').addEventListener('click', () => {
  showSignIn();
  say(status, 'Signed out.');
});

signInForm.elements.identifier.value = new URLSearchParams(window.location.search).get('u') ?? '';
await refresh();
