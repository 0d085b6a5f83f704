import { linkButton, say } from './demo.js';

const LINK_ERRORS = {
  INVALID_CONFIRMATION_LINK:
    'This link no longer works: it was used, cancelled, replaced by a newer request, or it expired. Ask for the change again on your account page.',
  EMAIL_TAKEN: 'Another account took this address meanwhile. Choose another one on your account page.',
};

linkButton(document.querySelector('#confirm'), '/accounts/email/confirm', LINK_ERRORS, (answer) => {
  if (!answer.ok) return;
  say(`Done: your email address is now ${answer.body.email}.`);
  document.querySelector('#done').hidden = false;
});
