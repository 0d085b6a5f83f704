import { passwordLinkForm, say } from './demo.js';

const form = document.querySelector('#reset');
const next = document.querySelector('#next');
const nextLink = document.querySelector('#next-link');

const LINK_ERRORS = {
  INVALID_RESET_LINK:
    'This link no longer works: it was used already, a newer one replaced it, or it expired. Ask for a new link.',
};

/** Where to go from here: sign in once the password is changed, or ask for a new link. */
function offer(text, href) {
  nextLink.textContent = text;
  nextLink.href = href;
  next.hidden = false;
}

form.addEventListener('submit', () => (next.hidden = true));
await passwordLinkForm(form, '/accounts/password/reset', LINK_ERRORS, (answer) => {
  if (answer.body?.code === 'INVALID_RESET_LINK') {
    form.hidden = true;
    offer('Ask for a new link', 'forgot-password.html');
  }
  if (!answer.ok) return;
  say(
    'Your password is changed, and every device that was signed in is signed out. Sign in with your new password.',
  );
  offer('Sign in', `account.html?u=${encodeURIComponent(answer.body.username)}`);
});
