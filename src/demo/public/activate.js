import { passwordLinkForm, say } from './demo.js';

const LINK_ERRORS = {
  INVALID_ACTIVATION_LINK:
    'This link no longer works: the account is activated already, or the link expired. Sign in, or sign up again for a new link.',
};

await passwordLinkForm(
  document.querySelector('#activate'),
  '/accounts/signup/complete',
  LINK_ERRORS,
  (answer) => {
    if (!answer.ok) return;
    say(`Your account is active. Sign in with ${answer.body.email} and your new password.`);
    document.querySelector('#username').textContent = answer.body.username;
    document.querySelector('#sign-in').href = `account.html?u=${encodeURIComponent(answer.body.email)}`;
    document.querySelector('#done').hidden = false;
  },
);
