// What every part of the admin page shares: the admin's token, the status line, and calling the API.
import { api, explain, say } from './demo.js';

// The admin's access token, for this tab only (as on the account page). Admin routes also need a
// recent sign-in: after RECENT_AUTH_MAX_AGE_MINUTES the page asks to sign in again.
export const TOKEN_KEY = 'cognito-accounts-demo:admin-token';

/** The admin API's answers in plain words; everything else is demo.js's common wording. */
const ADMIN_ERRORS = {
  FORBIDDEN:
    'This page is for administrators only, and this account is not in the admin group. Sign in with an admin account.',
  REAUTHENTICATION_REQUIRED:
    'Admin actions need a recent sign-in, and yours is too old. Sign in again, then repeat what you were doing.',
  UNAUTHENTICATED: 'You are signed out (your session ended or expired). Sign in again to continue.',
  USER_NOT_FOUND: 'This account does not exist any more: someone deleted it meanwhile. The list is updated.',
  NOT_INVITED:
    'This account is not waiting for an invitation any more (it was activated or disabled), so there is nothing to resend.',
  EMAIL_TAKEN: 'An account with this address exists already: search for it below instead of inviting it.',
};

export const STATE_LABELS = {
  invited: 'invited',
  'invitation-expired': 'invitation expired',
  active: 'active',
  disabled: 'disabled',
};

export const status = document.querySelector('#status');
const signInForm = document.querySelector('#sign-in');
const admin = document.querySelector('#admin');

export const adminToken = () => sessionStorage.getItem(TOKEN_KEY);

export function showSignIn() {
  sessionStorage.removeItem(TOKEN_KEY);
  admin.hidden = true;
  signInForm.hidden = false;
}

/** An admin API call; an error is said in plain words, and 401/403 lead back to the sign-in form. */
export async function call(method, path, body) {
  const answer = await api(method, path, { body, token: adminToken() });
  if (!answer.ok) {
    say(status, explain(answer, ADMIN_ERRORS), { error: true });
    if (answer.status === 401 || answer.status === 403) showSignIn();
  }
  return answer;
}
