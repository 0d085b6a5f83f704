import { api, explain, say } from './demo.js';

const form = document.querySelector('#signup');
const status = document.querySelector('#status');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  const email = form.elements.email.value.trim();
  const answer = await api('POST', '/accounts/signup', { body: { email } });
  if (!answer.ok) return say(status, explain(answer), { error: true });
  say(
    status,
    `Check your inbox at ${email}: a mail is on its way. Open its link to choose your password. ` +
      'Nothing after a few minutes? Look in the spam folder, or send it again.',
  );
});
