// The account page's two-step sign-in: whether it is on, setting up an authenticator app (its QR code
// drawn here in the page, never by an outside image service), and turning it off.
import QRCode from './qrcode.js';
import { onSubmit, say } from './demo.js';

const state = document.querySelector('#mfa-state');
const startButton = document.querySelector('#mfa-start');
const offButton = document.querySelector('#mfa-off');
const setup = document.querySelector('#mfa-setup');
const verifyForm = document.querySelector('#mfa-verify');

/** The account shown, and whose set-up the panel shows: another account on this tab never sees it. */
let shown = null;
let setupFor = null;

function closeSetup() {
  setup.hidden = true;
  setupFor = null;
  document.querySelector('#mfa-secret').textContent = '';
}

/**
 * Wires the section to the signed-in session `me` and the page's `act(method, path, body, success)`
 * (which says the outcome and shows the account again); returns what shows a profile's state.
 */
export function twoStepSignIn(me, act) {
  startButton.addEventListener('click', async () => {
    say('');
    const answer = await me.call('POST', '/accounts/me/mfa/totp');
    if (!answer.ok) {
      if (answer.body?.code === 'REAUTHENTICATION_REQUIRED') me.signOut();
      return;
    }
    const { secret, otpauthUri } = answer.body;
    await QRCode.toCanvas(document.querySelector('#mfa-qr'), otpauthUri, { width: 200, margin: 2 });
    document.querySelector('#mfa-secret').textContent = secret;
    setupFor = shown;
    setup.hidden = false;
    startButton.hidden = true;
    verifyForm.elements.code.focus();
  });

  onSubmit(verifyForm, async () => {
    const code = verifyForm.elements.code.value.trim();
    const on =
      'Two-step sign-in is on: from now on, signing in asks for the code your authenticator app shows. We mailed you a notice.';
    if (await act('POST', '/accounts/me/mfa/totp/verify', { code }, on)) closeSetup();
    verifyForm.reset();
  });

  document.querySelector('#mfa-cancel').addEventListener('click', () => {
    say('Set-up cancelled: two-step sign-in stays off. Remove the entry from your authenticator app.');
    closeSetup();
    startButton.hidden = false;
  });

  offButton.addEventListener('click', () =>
    act(
      'DELETE',
      '/accounts/me/mfa/totp',
      undefined,
      'Two-step sign-in is off: signing in asks for your password only. We mailed you a notice.',
    ),
  );

  /** Shows the profile's state; a set-up in progress stays open while TOTP is still off. */
  return (profile) => {
    shown = profile.username;
    if (profile.mfa.totp || setupFor !== profile.username) closeSetup();
    state.textContent = profile.mfa.totp
      ? 'On: signing in asks for your password and then the code your authenticator app shows.'
      : 'Off: signing in asks for your password only. An authenticator app adds a second step.';
    startButton.hidden = profile.mfa.totp || !setup.hidden;
    offButton.hidden = !profile.mfa.totp;
  };
}
