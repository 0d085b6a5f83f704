import { emailForm } from './demo.js';

const form = document.querySelector('#forgot');
form.elements.email.value = new URLSearchParams(window.location.search).get('email') ?? '';
emailForm(
  form,
  '/accounts/password/forgot',
  (email) =>
    `If an account uses ${email}, a link to choose a new password is on its way there ` +
    '(or, if the account is not activated yet, a new activation link). It works once, for an hour.',
);
