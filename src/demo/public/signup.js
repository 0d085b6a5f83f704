import { emailForm } from './demo.js';

emailForm(
  document.querySelector('#signup'),
  '/accounts/signup',
  (email) =>
    `Check your inbox at ${email}: a mail is on its way. Open its link to choose your password. ` +
    'Nothing after a few minutes? Look in the spam folder, or send it again.',
);
