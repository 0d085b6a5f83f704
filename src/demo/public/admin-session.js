// What every part of the admin page shares: the admin's session, and calling the admin API.
import { session } from './demo.js';

// The admin's access token, for this tab only (as on the account page). Admin routes also need a
// recent sign-in: after RECENT_AUTH_MAX_AGE_MINUTES the page asks to sign in again.
const TOKEN_KEY = 'cognito-accounts-demo:admin-token';

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
  OWN_ACCOUNT:
    'This is your own account: the admin page does not disable, sign out, delete it or reset its two-step sign-in. Use the account page for that.',
  LAST_ADMIN:
    'This is the last enabled admin: make another account an admin before disabling or deleting this one.',
};

export const STATE_LABELS = {
  invited: 'invited',
  'invitation-expired': 'invitation expired',
  active: 'active',
  disabled: 'disabled',
};

const signedIn = document.querySelector('#admin');
let onSignIn = () => Promise.resolve(true);

/** The admin's session in this tab; `afterSignIn` names what the page does once the admin signed in. */
export const adminSession = session(TOKEN_KEY, signedIn, async () => {
  if (await onSignIn()) adminSession.show();
});
export const afterSignIn = (handler) => (onSignIn = handler);

/** The signed-in admin's username, from the access token's `username` claim; null when signed out. */
export function signedInUsername() {
  const payload = adminSession.token()?.split('.')[1];
  if (!payload) return null;
  try {
    return JSON.parse(window.atob(payload.replace(/-/g, '+').replace(/_/g, '/'))).username ?? null;
  } catch {
    return null;
  }
}

/** An admin API call; an error is said in plain words, and 401/403 lead back to the sign-in form. */
export async function call(method, path, body) {
  const answer = await adminSession.call(method, path, body, ADMIN_ERRORS);
  if (answer.status === 401 || answer.status === 403) adminSession.signOut();
  return answer;
}
