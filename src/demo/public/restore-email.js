import { linkButton, say } from './demo.js';

const button = document.querySelector('#restore');

const LINK_ERRORS = {
  INVALID_RESTORE_LINK:
    'This link no longer works: it was used already or it expired. If you cannot sign in, ask for a password link, or contact support.',
  EMAIL_TAKEN:
    'Your old address is used by another account now, so it cannot be put back. Please contact support to secure your account.',
};

linkButton(button, '/accounts/email/restore', LINK_ERRORS, (answer) => {
  if (answer.body?.code === 'INVALID_RESTORE_LINK') {
    button.hidden = true;
    document.querySelector('#next').hidden = false;
  }
  if (!answer.ok) return;
  say(
    `Done: ${answer.body.email} is your account's address again, and every device was signed out. ` +
      'We mailed it a link to choose a new password: use it now, since whoever changed the address may know your password.',
  );
});
