// The second step of signing in to an account with two-step sign-in: Cognito's SOFTWARE_TOKEN_MFA
// challenge, answered with the code the authenticator app shows.

/** The form asking for the code, in place of the page's `#sign-in` form; built on first use. */
function codeForm() {
  let form = document.querySelector('#sign-in-code');
  if (form) return form;
  form = document.createElement('form');
  form.id = 'sign-in-code';
  form.hidden = true;
  form.innerHTML = `
    <p class="hint">This account has two-step sign-in: open your authenticator app and type the code it shows for it.</p>
    <label for="sign-in-code-input">Authenticator code</label>
    <input id="sign-in-code-input" name="code" inputmode="numeric" autocomplete="one-time-code"
      pattern="[0-9]{6}" maxlength="6" title="Six digits" required />
    <button type="submit">Continue</button>
    <button type="button" class="secondary" data-cancel>Cancel</button>`;
  document.querySelector('#sign-in').after(form);
  return form;
}

/** Shows the code form until the person sends a code (resolves with it) or cancels (null). */
function askForCode() {
  const signInForm = document.querySelector('#sign-in');
  const form = codeForm();
  signInForm.hidden = true;
  form.hidden = false;
  form.elements.code.value = '';
  form.elements.code.focus();
  return new Promise((resolve) => {
    const done = (code) => {
      form.onsubmit = null;
      form.querySelector('[data-cancel]').onclick = null;
      resolve(code);
    };
    form.onsubmit = (event) => {
      event.preventDefault();
      done(form.elements.code.value.trim());
    };
    form.querySelector('[data-cancel]').onclick = () => done(null);
  });
}

/** Back to the password form, the code form gone (after tokens, a cancel or a dead challenge). */
function closeCodeForm() {
  codeForm().hidden = true;
  document.querySelector('#sign-in').hidden = false;
}

/**
 * Answers a SOFTWARE_TOKEN_MFA challenge (`challenge`: InitiateAuth's answer to a sign-in as
 * `identifier`) with RespondToAuthChallenge, through `cognito(operation, input)`. A wrong code asks
 * again, as the challenge still stands; the challenge's session lasts only minutes (the app client's
 * AuthSessionValidity), after which the password is needed again. `say(text, { error })` shows what
 * happened. Resolves with the access token.
 */
export async function answerCodeChallenge(cognito, challenge, identifier, say) {
  // Cognito wants the username here, never the email alias the person may have typed, and names it
  // in USER_ID_FOR_SRP (AWS API reference, AdminInitiateAuth's ChallengeParameters).
  const { USER_ID_FOR_SRP, USERNAME } = challenge.ChallengeParameters ?? {};
  const username = USER_ID_FOR_SRP ?? USERNAME ?? identifier;
  try {
    for (;;) {
      const code = await askForCode();
      if (code === null) throw new Error('Signing in was cancelled. Sign in again whenever you like.');
      say('');
      const { ok, type, body } = await cognito('RespondToAuthChallenge', {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
      });
      if (ok && body.AuthenticationResult) return body.AuthenticationResult.AccessToken;
      if (!/CodeMismatch/.test(type)) throw new Error(challengeFailure(type));
      say('That code is not the one your authenticator app shows now. Type the current six digits.', {
        error: true,
      });
    }
  } finally {
    closeCodeForm();
  }
}

function challengeFailure(type) {
  if (/NotAuthorized|ExpiredCode/.test(type))
    return 'The code came too late: this sign-in expired after a few minutes. Sign in again with your password.';
  if (/TooManyRequests|LimitExceeded/.test(type))
    return 'Too many sign-in attempts. Please wait a few minutes, then try again.';
  return 'Signing in did not work. Please try again in a minute.';
}
