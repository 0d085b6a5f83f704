import { api, explain, INCOMPLETE_LINK, linkLooksIncomplete, linkParameters, say } from './demo.js';

const button = document.querySelector('#restore');
const status = document.querySelector('#status');
const next = document.querySelector('#next');
const link = linkParameters();

const LINK_ERRORS = {
  INVALID_RESTORE_LINK:
    'This link no longer works: it was used already or it expired. If you cannot sign in, ask for a password link, or contact support.',
  EMAIL_TAKEN:
    'Your old address is used by another account now, so it cannot be put back. Please contact support to secure your account.',
};

if (linkLooksIncomplete(link)) {
  button.hidden = true;
  say(status, INCOMPLETE_LINK, { error: true });
}

// A button, not an automatic request: mail scanners that open links must not change anything.
button.addEventListener('click', async () => {
  say(status, '');
  button.disabled = true;
  const answer = await api('POST', '/accounts/email/restore', { body: link });
  if (!answer.ok) {
    button.disabled = false;
    say(status, explain(answer, LINK_ERRORS), { error: true });
    if (answer.body?.code === 'INVALID_RESTORE_LINK') {
      button.hidden = true;
      next.hidden = false;
    }
    return;
  }
  button.hidden = true;
  say(
    status,
    `Done: ${answer.body.email} is your account's address again, and every device was signed out. ` +
      'We mailed it a link to choose a new password: use it now, since whoever changed the address may know your password.',
  );
});
