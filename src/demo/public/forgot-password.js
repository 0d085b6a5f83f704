import { api, explain, say } from './demo.js';

const form = document.querySelector('#forgot');
const status = document.querySelector('#status');
form.elements.email.value = new URLSearchParams(window.location.search).get('email') ?? '';

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  const email = form.elements.email.value.trim();
  const answer = await api('POST', '/accounts/password/forgot', { body: { email } });
  if (!answer.ok) return say(status, explain(answer), { error: true });
  say(
    status,
    `If an account uses ${email}, a link to choose a new password is on its way there ` +
      '(or, if the account is not activated yet, a new activation link). It works once, for an hour.',
  );
});
