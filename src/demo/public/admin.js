import { api, element, explain, say, signIn, when } from './demo.js';

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
};

const STATE_LABELS = {
  invited: 'invited',
  'invitation-expired': 'invitation expired',
  active: 'active',
  disabled: 'disabled',
};

const signInForm = document.querySelector('#sign-in');
const admin = document.querySelector('#admin');
const inviteForm = document.querySelector('#invite');
const searchForm = document.querySelector('#search');
const tbody = document.querySelector('#users tbody');
const summary = document.querySelector('#users-summary');
const moreButton = document.querySelector('#more');
const findings = document.querySelector('#findings');
const status = document.querySelector('#status');

/** The accounts shown, the query they answer and the cursor of the page after them. */
let users = [];
let query = { email: '', state: '', limit: '25' };
let cursor = null;

function showSignIn() {
  sessionStorage.removeItem(TOKEN_KEY);
  admin.hidden = true;
  signInForm.hidden = false;
}

/** An admin API call; an error is said in plain words, and 401/403 lead back to the sign-in form. */
async function call(method, path, body) {
  const answer = await api(method, path, { body, token: sessionStorage.getItem(TOKEN_KEY) });
  if (!answer.ok) {
    say(status, explain(answer, ADMIN_ERRORS), { error: true });
    if (answer.status === 401 || answer.status === 403) showSignIn();
  }
  return answer;
}

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
    done: (user) => `${label(user)} is enabled again: its user can sign in.`,
  },
  signOut: {
    method: 'POST',
    path: (u) => `/admin/users/${u}/sign-out`,
    done: (user) => `Every session of ${label(user)} ended: its user must sign in again everywhere.`,
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
  const buttons = [];
  if (user.state === 'invited' || user.state === 'invitation-expired')
    buttons.push(button('Resend invitation', () => act(user, 'resend')));
  if (user.state === 'disabled') buttons.push(button('Enable', () => act(user, 'enable')));
  else buttons.push(button('Disable', () => act(user, 'disable')));
  if (user.state === 'active') buttons.push(button('Sign out everywhere', () => act(user, 'signOut')));
  buttons.push(button('Delete', () => confirmDelete(user, cell), 'danger'));
  return buttons;
}

function confirmDelete(user, cell) {
  say(status, '');
  cell.replaceChildren(
    element('span', { textContent: `Really delete ${label(user)}? ` }),
    button('Yes, delete it for good', () => act(user, 'delete'), 'danger'),
    button('Keep it', () => cell.replaceChildren(...actionsOf(user, cell))),
  );
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
  const answer = await api('GET', `/admin/users/${username}`, { token: sessionStorage.getItem(TOKEN_KEY) });
  if (answer.ok) users = users.map((user) => (user.username === username ? answer.body : user));
  else if (answer.status === 404) users = users.filter((user) => user.username !== username);
  renderUsers();
}

async function act(user, name) {
  say(status, '');
  const action = ACTIONS[name];
  const answer = await call(action.method, action.path(user.username));
  if (answer.ok) say(status, action.done(user, answer.body));
  if (!admin.hidden) await refreshUser(user.username);
}

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  try {
    const token = await signIn(signInForm.elements.identifier.value, signInForm.elements.password.value);
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch (error) {
    return say(status, error.message, { error: true });
  }
  signInForm.elements.password.value = '';
  if (await loadUsers()) {
    signInForm.hidden = true;
    admin.hidden = false;
  }
});

document.querySelector('#sign-out').addEventListener('click', () => {
  showSignIn();
  say(status, 'Signed out on this device.');
});

searchForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  const email = searchForm.elements.email.value.trim();
  if (!/^[\x21-\x7e]*$/.test(email))
    return say(status, 'Search by the beginning of an address, without spaces (for example "jane@").', {
      error: true,
    });
  query = { email, state: searchForm.elements.state.value, limit: searchForm.elements.limit.value };
  cursor = null;
  await loadUsers();
});

moreButton.addEventListener('click', async () => {
  say(status, '');
  await loadUsers(true);
});

inviteForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  const email = inviteForm.elements.email.value.trim();
  const answer = await call('POST', '/admin/invitations', {
    email,
    locale: inviteForm.elements.locale.value,
  });
  if (!answer.ok) return;
  inviteForm.reset();
  say(
    status,
    `Invitation sent to ${email}: its link works until ${when(answer.body.expiresAt)}. The account is at the top of the list.`,
  );
  users = [
    { username: answer.body.username, email, state: 'invited', createdAt: new Date().toISOString() },
    ...users.filter((user) => user.username !== answer.body.username),
  ];
  await refreshUser(answer.body.username);
});

/** The report's findings: how to show one, and the repair that fixes them (if any is safe). */
const FINDINGS = [
  {
    key: 'expiredInvitations',
    title: 'Invitations whose link expired',
    item: (f) => `${f.email ?? f.username}: expired ${when(f.expiredAt)}`,
    repair: 'expired-invitations',
    button: 'Send new links',
  },
  {
    key: 'unverifiedActive',
    title: 'Active accounts without a verified address',
    item: (f) => f.email ?? f.username,
    note: 'They cannot reset their password. No automatic repair: ask the person, or change the address through the email-change flow.',
  },
  {
    key: 'duplicateEmails',
    title: 'Addresses held by more than one account',
    item: (f) =>
      `${f.email}: ${f.holders.map((h) => `${h.username} (${STATE_LABELS[h.state] ?? h.state})`).join(', ')}`,
    repair: 'duplicate-emails',
    button: 'Remove the extra invited accounts',
  },
  {
    key: 'expiredEmailChanges',
    title: 'Email changes left pending past their link',
    item: (f) => `${f.username}: to ${f.pendingEmail ?? '(no address)'}`,
    repair: 'expired-email-changes',
    button: 'Clear the expired changes',
  },
];

const DONE = {
  'invitation-resent': 'sent a new invitation link',
  deleted: 'deleted the extra account',
  'pending-change-cleared': 'cleared the pending change',
};

/** Who a username in the last report is, in words. */
let names = new Map();

function renderReport(report, outcome) {
  names = new Map([
    ...report.expiredInvitations.map((f) => [f.username, f.email]),
    ...report.unverifiedActive.map((f) => [f.username, f.email]),
    ...report.duplicateEmails.flatMap((f) =>
      f.holders.map((h) => [h.username, `${f.email} (${h.username})`]),
    ),
  ]);
  const sections = FINDINGS.map((finding) => {
    const found = report[finding.key];
    const section = element('section', { className: 'finding', id: `finding-${finding.key}` });
    section.append(element('h3', { textContent: `${finding.title}: ${found.length}` }));
    if (!found.length) return section;
    section.append(element('ul', {}, ...found.map((f) => element('li', { textContent: finding.item(f) }))));
    if (finding.note) section.append(element('p', { className: 'hint', textContent: finding.note }));
    if (finding.repair) section.append(button(finding.button, () => repair(finding.repair), ''));
    return section;
  });
  findings.replaceChildren(
    ...(outcome ? [outcome] : []),
    element('p', {
      className: 'hint',
      textContent: `${report.accounts} account(s) scanned at ${when(report.generatedAt)}.`,
    }),
    ...sections,
  );
}

async function runReport(outcome) {
  const answer = await call('GET', '/admin/reports/accounts');
  if (answer.ok) renderReport(answer.body, outcome);
}

async function repair(kind) {
  say(status, '');
  const answer = await call('POST', `/admin/repairs/${kind}`);
  if (!answer.ok) return;
  const { changed, failed } = answer.body;
  const who = (username) => names.get(username) ?? username;
  const outcome = element(
    'section',
    { className: 'outcome', id: 'repair-outcome' },
    element('h3', { textContent: 'What the repair changed' }),
    element(
      'ul',
      {},
      ...changed.map((c) =>
        element('li', { textContent: `${who(c.username)}: ${DONE[c.action] ?? c.action}` }),
      ),
      ...failed.map((f) =>
        element('li', {
          textContent: `${who(f.username)}: not changed (${f.code === 'USER_NOT_FOUND' ? 'deleted meanwhile' : f.code})`,
        }),
      ),
    ),
  );
  if (!changed.length && !failed.length)
    outcome.lastChild.replaceWith(element('p', { textContent: 'Nothing.' }));
  say(
    status,
    failed.length
      ? `The repair changed ${changed.length} account(s); ${failed.length} could not be changed (see below). Try again in a minute.`
      : `The repair changed ${changed.length} account(s). The report below is fresh.`,
    { error: failed.length > 0 },
  );
  await runReport(outcome);
}

document.querySelector('#report').addEventListener('click', async () => {
  say(status, '');
  await runReport();
});

if (sessionStorage.getItem(TOKEN_KEY) && (await loadUsers())) admin.hidden = false;
else signInForm.hidden = false;
