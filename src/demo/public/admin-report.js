// The account-health report on the admin page, and a button per repair showing what it changed.
import { element, say, when } from './demo.js';
import { call, STATE_LABELS } from './admin-session.js';

const findings = document.querySelector('#findings');

const button = (text, onclick) => element('button', { type: 'button', textContent: text, onclick });

/** The report's findings: how to show one, and the repair that fixes them (if any is safe). */
const FINDINGS = [
  {
    key: 'expiredInvitations',
    title: 'Invitations whose link expired',
    item: (f) => `${f.email ?? f.username}: expired ${when(f.expiredAt)}`,
    repair: 'expired-invitations',
    button: 'Remove them',
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
  deleted: 'deleted (never activated)',
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
    if (finding.repair) section.append(button(finding.button, () => repair(finding.repair)));
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
  say('');
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
    failed.length
      ? `The repair changed ${changed.length} account(s); ${failed.length} could not be changed (see below). Try again in a minute.`
      : `The repair changed ${changed.length} account(s). The report below is fresh.`,
    { error: failed.length > 0 },
  );
  await runReport(outcome);
}

document.querySelector('#report').addEventListener('click', async () => {
  say('');
  await runReport();
});
