import {
  api,
  explain,
  INCOMPLETE_LINK,
  linkLooksIncomplete,
  linkParameters,
  say,
  showPasswordRules,
} from './demo.js';

const form = document.querySelector('#reset');
const status = document.querySelector('#status');
const next = document.querySelector('#next');
const nextLink = document.querySelector('#next-link');
const link = linkParameters();

const LINK_ERRORS = {
  INVALID_RESET_LINK:
    'This link no longer works: it was used already, a newer one replaced it, or it expired. Ask for a new link.',
};

function offerNewLink() {
  nextLink.textContent = 'Ask for a new link';
  nextLink.href = 'forgot-password.html';
  next.hidden = false;
}

await showPasswordRules();
if (linkLooksIncomplete(link)) {
  form.hidden = true;
  say(status, INCOMPLETE_LINK, { error: true });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  say(status, '');
  next.hidden = true;
  const password = form.elements.password.value;
  const answer = await api('POST', '/accounts/password/reset', { body: { ...link, password } });
  if (!answer.ok) {
    say(status, explain(answer, LINK_ERRORS), { error: true });
    if (answer.body?.code === 'INVALID_RESET_LINK') {
      form.hidden = true;
      offerNewLink();
    }
    return;
  }
  form.hidden = true;
  say(
    status,
    'Your password is changed, and every device that was signed in is signed out. Sign in with your new password.',
  );
  nextLink.textContent = 'Sign in';
  nextLink.href = `account.html?u=${encodeURIComponent(answer.body.username)}`;
  next.hidden = false;
});
