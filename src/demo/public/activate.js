import { emailForm, passwordLinkForm, say } from './demo.js';

const form = document.querySelector('#activate');
const resend = document.querySelector('#resend');

const LINK_ERRORS = {
  INVALID_ACTIVATION_LINK:
    'This link no longer works: the account is activated already, or the link expired. Sign in, or send yourself a new link below.',
};

emailForm(
  resend,
  '/accounts/signup/resend',
  (email) =>
    `A new link is on its way to ${email}: open it to choose your password. ` +
    'If the account is active already, the mail says so instead.',
);

await passwordLinkForm(form, '/accounts/signup/complete', LINK_ERRORS, (answer) => {
  if (answer.body?.code === 'INVALID_ACTIVATION_LINK') {
    form.hidden = true;
    resend.hidden = false;
  }
  if (!answer.ok) return;
  say(`Your account is active. Sign in with ${answer.body.email} and your new password.`);
  document.querySelector('#username').textContent = answer.body.username;
  document.querySelector('#sign-in').href = `account.html?u=${encodeURIComponent(answer.body.email)}`;
  document.querySelector('#done').hidden = false;
});
