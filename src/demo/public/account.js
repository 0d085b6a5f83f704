import { api, explain, say, signIn } from './demo.js';

// sessionStorage keeps the access token across reloads of this tab only. "Sign out here" just
// forgets it; a real app would also revoke its refresh token (Cognito RevokeToken).
const TOKEN_KEY = 'cognito-accounts-demo:access-token';

const signInForm = document.querySelector('#sign-in');
const account = document.querySelector('#account');
const changeForm = document.querySelector('#change-email');
const cancelButton = document.querySelector('#cancel-change');
const deleteConfirm = document.querySelector('#delete-confirm');
const status = document.querySelector('#status');

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
  deleteConfirm.hidden = true;
  signInForm.hidden = true;
  account.hidden = false;
}

/** Shows `GET /accounts/me`, or the sign-in form when there is no valid token. */
async function refresh() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return showSignIn();
  const answer = await api('GET', '/accounts/me', { token });
  if (answer.status === 401) return showSignIn();
  if (!answer.ok) return say(status, explain(answer), { error: true });
  showProfile(answer.body);
}

/**
 * Runs an authenticated API call and shows its outcome in plain words; a stale message goes first.
 * Resolves with whether it worked. A call that needs a fresh sign-in shows the sign-in form.
 */
async function act(method, path, body, success) {
  say(status, '');
  const answer = await api(method, path, { body, token: sessionStorage.getItem(TOKEN_KEY) });
  if (answer.ok) say(status, success);
  else say(status, explain(answer), { error: true });
  if (answer.body?.code === 'REAUTHENTICATION_REQUIRED') showSignIn();
  else await refresh();
  return answer.ok;
}

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  try {
    const token = await signIn(signInForm.elements.identifier.value, signInForm.elements.password.value);
    sessionStorage.setItem(TOKEN_KEY, token);
    signInForm.elements.password.value = '';
    await refresh();
    if (account.hidden) {
      // Refused at once: every session ended in the last seconds (revocation marks count whole seconds).
      say(
        status,
        'Every session of this account ended moments ago. Wait a few seconds, then sign in again.',
        {
          error: true,
        },
      );
    }
  } catch (error) {
    say(status, error.message, { error: true });
  }
});

changeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = changeForm.elements.email.value.trim();
  const sent =
    `If ${email} can be used, a confirmation link is on its way to it. ` +
    'Open it to switch; until then your current address keeps working.';
  if (!(await act('POST', '/accounts/me/email', { email }, sent))) return;
  changeForm.reset();
  // The request is queued: show the pending address once the work is done (moments, usually).
  for (let i = 0; i < 20 && document.querySelector('#me-pending').textContent !== email; i++) {
    await new Promise((resolve) => window.setTimeout(resolve, 250));
    await refresh();
  }
});

cancelButton.addEventListener('click', () =>
  act(
    'DELETE',
    '/accounts/me/email',
    undefined,
    'The pending change is cancelled; its link no longer works.',
  ),
);

document.querySelector('#revoke').addEventListener('click', async () => {
  const done = await act(
    'POST',
    '/accounts/me/sessions/revoke',
    undefined,
    'Every device and app is signed out now, this one too. Sign in again to continue.',
  );
  if (done) showSignIn();
});

document.querySelector('#sign-out').addEventListener('click', () => {
  showSignIn();
  say(status, 'Signed out on this device.');
});

document.querySelector('#delete').addEventListener('click', () => {
  say(status, '');
  deleteConfirm.hidden = false;
});
document.querySelector('#delete-no').addEventListener('click', () => {
  deleteConfirm.hidden = true;
});
document.querySelector('#delete-yes').addEventListener('click', async () => {
  const done = await act(
    'DELETE',
    '/accounts/me',
    undefined,
    'Your account is deleted, and every device is signed out. We mailed you a confirmation.',
  );
  if (done) showSignIn();
});

const query = new URLSearchParams(window.location.search);
signInForm.elements.identifier.value = query.get('u') ?? '';
signInForm.elements.identifier.addEventListener('input', () => {
  const value = signInForm.elements.identifier.value.trim();
  document.querySelector('#forgot-link').href = value.includes('@')
    ? `forgot-password.html?email=${encodeURIComponent(value)}`
    : 'forgot-password.html';
});
await refresh();
