import {
  api,
  explain,
  INCOMPLETE_LINK,
  linkLooksIncomplete,
  linkParameters,
  say,
  showPasswordRules,
} from './demo.js';

const form = document.querySelector('#activate');
const status = document.querySelector('#status');
const link = linkParameters();

const LINK_ERRORS = {
  INVALID_ACTIVATION_LINK:
    'This link no longer works: the account is activated already, or the link expired. Sign in, or sign up again for a new link.',
};

await showPasswordRules();
if (linkLooksIncomplete(link)) {
  form.hidden = true;
  say(status, INCOMPLETE_LINK, { error: true });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  const password = form.elements.password.value;
  const answer = await api('POST', '/accounts/signup/complete', { body: { ...link, password } });
  if (!answer.ok) {
    // A refused password leaves the link usable: the person can simply try another one.
    say(status, explain(answer, LINK_ERRORS), { error: true });
    return;
  }
  form.hidden = true;
  say(status, `Your account is active. Sign in with ${answer.body.email} and your new password.`);
  document.querySelector('#username').textContent = answer.body.username;
  document.querySelector('#sign-in').href = `account.html?u=${encodeURIComponent(answer.body.email)}`;
  document.querySelector('#done').hidden = false;
});
