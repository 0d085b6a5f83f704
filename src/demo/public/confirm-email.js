import { api, explain, INCOMPLETE_LINK, linkLooksIncomplete, linkParameters, say } from './demo.js';

const button = document.querySelector('#confirm');
const status = document.querySelector('#status');
const link = linkParameters();

const LINK_ERRORS = {
  INVALID_CONFIRMATION_LINK:
    'This link no longer works: it was used, cancelled, replaced by a newer request, or it expired. Ask for the change again on your account page.',
  EMAIL_TAKEN: 'Another account took this address meanwhile. Choose another one on your account page.',
};

if (linkLooksIncomplete(link)) {
  button.hidden = true;
  say(status, INCOMPLETE_LINK, { error: true });
}

button.addEventListener('click', async () => {
  say(status, '');
  button.disabled = true;
  const answer = await api('POST', '/accounts/email/confirm', { body: link });
  if (!answer.ok) {
    button.disabled = false;
    say(status, explain(answer, LINK_ERRORS), { error: true });
    return;
  }
  button.hidden = true;
  say(status, `Done: your email address is now ${answer.body.email}.`);
  document.querySelector('#done').hidden = false;
});
