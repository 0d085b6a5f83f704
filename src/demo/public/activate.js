import { api, linkParameters, problem, say } from './demo.js';

const form = document.querySelector('#activate');
const status = document.querySelector('#status');
const { username, token } = linkParameters();

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = form.elements.password.value;
  const answer = await api('POST', '/accounts/signup/complete', { body: { username, token, password } });
  if (!answer.ok) {
    // A refused password leaves the link usable: the person can simply try another one.
    say(status, problem(answer), { error: true });
    return;
  }
  form.hidden = true;
  say(status, `Your account is active. Sign in with ${answer.body.email} and your new password.`);
  document.querySelector('#username').textContent = answer.body.username;
  document.querySelector('#sign-in').href = `account.html?u=${encodeURIComponent(answer.body.username)}`;
  document.querySelector('#done').hidden = false;
});
