import { twoStepSignIn } from './account-mfa.js';
import { api, element, explain, onSubmit, say, session } from './demo.js';

const account = document.querySelector('#account');
const changeForm = document.querySelector('#change-email');
const cancelButton = document.querySelector('#cancel-change');
const deleteConfirm = document.querySelector('#delete-confirm');
const me = session('cognito-accounts-demo:access-token', account, async () => {
  await refresh();
  if (account.hidden) {
    // Refused at once: every session ended in the last seconds (revocation marks count whole seconds).
    say('Every session of this account ended moments ago. Wait a few seconds, then sign in again.', {
      error: true,
    });
  }
});

function showProfile(profile) {
  document.querySelector('#me-username').textContent = profile.username;
  document.querySelector('#me-email').textContent = profile.email;
  document.querySelector('#me-verified').textContent = profile.emailVerified ? 'yes' : 'no';
  document.querySelector('#me-pending').textContent = profile.pendingEmail ?? 'none';
  cancelButton.hidden = !profile.pendingEmail;
  deleteConfirm.hidden = true;
  showTwoStep(profile);
  me.show();
}

const showTwoStep = twoStepSignIn(me, act);

/** Shows `GET /accounts/me`, or the sign-in form when there is no valid token. */
async function refresh() {
  if (!me.token()) return me.signOut();
  const answer = await api('GET', '/accounts/me', { token: me.token() });
  if (answer.status === 401) {
    // The stored token no longer works: "sign out everywhere" in another tab or on another device.
    me.signOut();
    return say('You were signed out, perhaps from another tab or device. Sign in again to continue.', {
      error: true,
    });
  }
  if (!answer.ok) return say(explain(answer), { error: true });
  showProfile(answer.body);
}

/**
 * Runs an authenticated API call and shows its outcome in plain words; a stale message goes first.
 * Resolves with whether it worked. A call that needs a fresh sign-in shows the sign-in form, and so
 * does one that `ends` this session once it worked.
 */
async function act(method, path, body, success, ends = false) {
  say('');
  const answer = await me.call(method, path, body);
  if (answer.ok) say(success);
  if (answer.body?.code === 'REAUTHENTICATION_REQUIRED' || (answer.ok && ends)) me.signOut();
  else await refresh();
  return answer.ok;
}

onSubmit(changeForm, async () => {
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

/** A button that ends every session (this one too), so the sign-in form follows once it worked. */
const endingButton = (selector, method, path, success) =>
  document
    .querySelector(selector)
    .addEventListener('click', () => act(method, path, undefined, success, true));
endingButton(
  '#revoke',
  'POST',
  '/accounts/me/sessions/revoke',
  'Every device and app is signed out now, this one too. Sign in again to continue.',
);
endingButton(
  '#delete-yes',
  'DELETE',
  '/accounts/me',
  'Your account is deleted, and every device is signed out. We mailed you a confirmation.',
);

document.querySelector('#delete').addEventListener('click', () => {
  say('');
  deleteConfirm.hidden = false;
});
document.querySelector('#delete-no').addEventListener('click', () => {
  deleteConfirm.hidden = true;
});

// Swagger UI's Authorize (/docs) takes this access token: the way to try the 🔒 routes by hand.
// Its own line, so the two sign-out buttons stay side by side.
document.querySelector('#sign-out').after(
  element(
    'p',
    { className: 'hint' },
    'Trying the API in Swagger UI (/docs)?',
    element('button', {
      type: 'button',
      className: 'secondary small',
      textContent: 'Copy access token',
      title: "For Swagger's Authorize on /docs",
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(me.token() ?? '');
          say("Access token copied: paste it into Swagger's Authorize (/docs). It is valid for an hour.");
        } catch {
          say('The browser refused to copy: allow clipboard access for this page, then try again.', {
            error: true,
          });
        }
      },
    }),
  ),
);

const identifier = me.form.elements.identifier;
identifier.value = new URLSearchParams(window.location.search).get('u') ?? '';
identifier.addEventListener('input', () => {
  const value = identifier.value.trim();
  document.querySelector('#forgot-link').href = value.includes('@')
    ? `forgot-password.html?email=${encodeURIComponent(value)}`
    : 'forgot-password.html';
});
await refresh();
