import { api, element, onSubmit, say, when } from './demo.js';
import { adminSession, afterSignIn, call, signedInUsername, STATE_LABELS } from './admin-session.js';
import './admin-report.js';

const admin = document.querySelector('#admin');
const inviteForm = document.querySelector('#invite');
const searchForm = document.querySelector('#search');
const tbody = document.querySelector('#users tbody');
const summary = document.querySelector('#users-summary');
const moreButton = document.querySelector('#more');

/** The accounts shown, the query they answer and the cursor of the page after them. */
let users = [];
let query = { email: '', state: '', limit: '25' };
let cursor = null;

const label = (user) => user.email ?? user.username;

/** Each action: its route, and what to tell the admin once it is done. */
const ACTIONS = {
  resend: {
    method: 'POST',
    path: (u) => `/admin/users/${u}/invitation`,
    done: (user, body) =>
      `A new invitation is on its way to ${label(user)}; its link works until ${when(body.expiresAt)}, earlier links no longer work.`,
  },
  disable: {
    method: 'POST',
    path: (u) => `/admin/users/${u}/disable`,
    done: (user) => `${label(user)} is disabled: it cannot sign in, and every session of it ended.`,
  },
  enable: {
    method: 'POST',
    path: (u) => `/admin/users/${u}/enable`,
    done: (user) =>
      user.state === 'invited' || user.state === 'invitation-expired'
        ? `${label(user)} is enabled again. It has no password yet: its user signs in once the invitation is accepted (resend it if its link expired).`
        : `${label(user)} is enabled again: its user can sign in.`,
  },
  signOut: {
    method: 'POST',
    path: (u) => `/admin/users/${u}/sign-out`,
    done: (user) => `Every session of ${label(user)} ended: its user must sign in again everywhere.`,
  },
  resetMfa: {
    method: 'POST',
    path: (u) => `/admin/users/${u}/mfa/reset`,
    done: (user) =>
      `Two-step sign-in of ${label(user)} is off: its user signs in with the password alone, can set up an authenticator app again, and was told by mail.`,
  },
  delete: {
    method: 'DELETE',
    path: (u) => `/admin/users/${u}`,
    done: (user) => `${label(user)} is deleted for good.`,
  },
};

const button = (text, onclick, className = 'secondary') =>
  element('button', { type: 'button', className, textContent: text, onclick });

function actionsOf(user, cell) {
  // Disabling, signing out or deleting oneself would lock the admin out: the service refuses it.
  if (user.username === signedInUsername())
    return [element('span', { className: 'hint', textContent: 'you' })];
  const buttons = [];
  if (user.state === 'invited' || user.state === 'invitation-expired')
    buttons.push(button('Resend invitation', () => act(user, 'resend')));
  if (user.state === 'disabled') buttons.push(button('Enable', () => act(user, 'enable')));
  else buttons.push(button('Disable', () => act(user, 'disable')));
  if (user.state === 'active') buttons.push(button('Sign out everywhere', () => act(user, 'signOut')));
  if (user.totpMfa) buttons.push(button('Reset two-step sign-in', () => act(user, 'resetMfa')));
  buttons.push(button('Delete', () => confirmDelete(user, cell), 'danger'));
  return buttons;
}

function confirmDelete(user, cell) {
  say('');
  cell.replaceChildren(
    element('span', { textContent: `Really delete ${label(user)}? ` }),
    button('Yes, delete it for good', () => act(user, 'delete'), 'danger'),
    button('Keep it', () => cell.replaceChildren(...actionsOf(user, cell))),
  );
}

/** Two-step sign-in as the account's own view says; lists leave it unknown (Cognito's ListUsers omits it). */
function twoStepCell(user) {
  if (typeof user.totpMfa === 'boolean') return element('td', { textContent: user.totpMfa ? 'on' : 'off' });
  const check = button('Check', () => refreshUser(user.username), 'secondary small');
  return element('td', {}, element('span', { className: 'hint', textContent: 'unknown' }), check);
}

function renderUsers() {
  tbody.replaceChildren(
    ...users.map((user) => {
      const actions = element('td', { className: 'actions' });
      actions.append(...actionsOf(user, actions));
      const email = element('td', { textContent: user.email ?? '(no address)' });
      if (!user.emailVerified && user.state === 'active')
        email.append(element('span', { className: 'hint', textContent: ' (not verified)' }));
      if (user.pendingEmail)
        email.append(element('div', { className: 'hint', textContent: `changing to ${user.pendingEmail}` }));
      return element(
        'tr',
        {},
        email,
        element('td', { textContent: STATE_LABELS[user.state] ?? user.state }),
        element('td', { textContent: when(user.createdAt) }),
        twoStepCell(user),
        actions,
      );
    }),
  );
  const more = cursor ? '; more follow: choose More' : '';
  summary.textContent = users.length
    ? `${users.length} account(s) shown${more}.`
    : cursor
      ? 'None on this page; more accounts follow: choose More.'
      : 'No account matches.';
  moreButton.hidden = !cursor;
}

/** The first page of the current query, or (`more`) the page after those shown. */
async function loadUsers(more = false) {
  const params = new URLSearchParams({ limit: query.limit });
  if (query.email) params.set('email', query.email);
  if (query.state) params.set('state', query.state);
  if (more && cursor) params.set('cursor', cursor);
  const answer = await call('GET', `/admin/users?${params}`);
  if (!answer.ok) return false;
  users = more ? [...users, ...answer.body.users] : answer.body.users;
  cursor = answer.body.cursor;
  renderUsers();
  return true;
}

/** Shows one account as it is now (or drops it when it is gone). */
async function refreshUser(username) {
  const answer = await api('GET', `/admin/users/${username}`, { token: adminSession.token() });
  if (answer.ok) users = users.map((user) => (user.username === username ? answer.body : user));
  else if (answer.status === 404) users = users.filter((user) => user.username !== username);
  renderUsers();
}

async function act(user, name) {
  say('');
  const action = ACTIONS[name];
  const answer = await call(action.method, action.path(user.username));
  if (!admin.hidden) await refreshUser(user.username);
  // Told as the account is now: enabled again, an invited account still has no password.
  const now = users.find((shown) => shown.username === user.username) ?? user;
  if (answer.ok) say(action.done(now, answer.body));
}

afterSignIn(() => loadUsers());

onSubmit(searchForm, async () => {
  say('');
  const email = searchForm.elements.email.value.trim();
  if (!/^[\x21-\x7e]*$/.test(email))
    return say('Search by the beginning of an address, without spaces (for example "jane@").', {
      error: true,
    });
  query = { email, state: searchForm.elements.state.value, limit: searchForm.elements.limit.value };
  cursor = null;
  await loadUsers();
});

moreButton.addEventListener('click', async () => {
  say('');
  await loadUsers(true);
});

onSubmit(inviteForm, async () => {
  say('');
  const email = inviteForm.elements.email.value.trim();
  const answer = await call('POST', '/admin/invitations', {
    email,
    locale: inviteForm.elements.locale.value,
  });
  if (!answer.ok) return;
  inviteForm.reset();
  say(
    `Invitation sent to ${email}: its link works until ${when(answer.body.expiresAt)}. The account is at the top of the list.`,
  );
  users = [
    { username: answer.body.username, email, state: 'invited', createdAt: new Date().toISOString() },
    ...users.filter((user) => user.username !== answer.body.username),
  ];
  await refreshUser(answer.body.username);
});

if (adminSession.token() && (await loadUsers())) adminSession.show();
else adminSession.form.hidden = false;
