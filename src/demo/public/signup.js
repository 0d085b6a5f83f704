import { element, onSubmit, say, send } from './demo.js';

const form = document.querySelector('#signup');

/** Asks for another activation link for the same address (earlier links keep working). */
async function sendAgain(email) {
  if ((await send('POST', '/accounts/signup/resend', { email })).ok)
    say(`Sent again: another mail is on its way to ${email}. Its link works as well as the first one's.`);
}

onSubmit(form, async () => {
  const email = form.elements.email.value.trim();
  if (!(await send('POST', '/accounts/signup', { email })).ok) return;
  say(
    `Check your inbox at ${email}: a mail is on its way. Open its link to choose your password. ` +
      'Nothing after a few minutes? Look in the spam folder, or ',
  );
  const again = element('button', { type: 'button', className: 'link', textContent: 'send it again' });
  again.addEventListener('click', () => sendAgain(email));
  document.querySelector('#status').append(again, '.');
});
