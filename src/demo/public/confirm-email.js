import { api, linkParameters, problem, say } from './demo.js';

const button = document.querySelector('#confirm');
const status = document.querySelector('#status');

button.addEventListener('click', async () => {
  button.disabled = true;
  const answer = await api('POST', '/accounts/email/confirm', { body: linkParameters() });
  if (!answer.ok) {
    button.disabled = false;
    say(status, problem(answer), { error: true });
    return;
  }
  button.hidden = true;
  say(status, `Done: your email address is now ${answer.body.email}.`);
  document.querySelector('#done').hidden = false;
});
