// What every demo page shares: calling this service's API and Cognito, the signed-in session, the
// page shell (the status line, the footer, forms and buttons that call the API), and saying what
// happened in plain words. Each page's own script keeps only what is its own.

import { AccountsApiError, createAccountsClient } from './accounts-client.js';
import { answerCodeChallenge } from './sign-in-code.js';

const client = createAccountsClient({ baseUrl: window.location.origin });

/** Calls the API on this page's origin; resolves with `{ ok, status, body, retryAfter }`. Never rejects. */
export async function api(method, path, { body, token } = {}) {
  try {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const { data, response } = await client.request(method.toLowerCase(), path, { body, headers });
    return { ok: true, status: response.status, body: data, retryAfter: 0 };
  } catch (error) {
    if (!(error instanceof AccountsApiError)) return { ok: false, status: 0, body: undefined, retryAfter: 0 };
    return { ok: false, status: error.status, body: error.body, retryAfter: error.retryAfterSeconds ?? 0 };
  }
}

/** The page's settings: the frontend client, the Cognito endpoint, the password rules. */
let config;
export async function demoConfig() {
  config ??= await (await fetch('config.json')).json();
  return config;
}

/** The `u` (username) and `t` (token) parameters of a link from a mail. */
function linkParameters() {
  const query = new URLSearchParams(window.location.search);
  return { username: query.get('u') ?? '', token: query.get('t') ?? '' };
}

/** True when a link from a mail arrived without its parameters, or with them cut short. */
function linkLooksIncomplete({ username, token }) {
  return !/^[0-9a-f-]{36}$/i.test(username) || !/^[A-Za-z0-9_-]{16,128}$/.test(token);
}

const INCOMPLETE_LINK =
  'This link is incomplete. Open the whole link from the mail: if your mail app split it over two lines, copy all of it into the address bar.';

const minutes = (seconds) => Math.max(1, Math.ceil(seconds / 60));

/**
 * What an error answer means for the person, and what to do next. `links` names the page's own
 * wording for its link errors (`{ INVALID_RESET_LINK: '…' }`); everything else is common.
 */
export function explain(answer, links = {}) {
  const code = answer.body?.code;
  if (code && links[code]) return links[code];
  if (answer.status === 0) return 'The service cannot be reached. Check your connection and try again.';
  if (code === 'INVALID_PASSWORD')
    return `This password is too weak. Choose one of ${config?.passwordRules ?? 'at least 12 characters, with upper- and lower-case letters, a digit and a symbol'}.`;
  if (code === 'RATE_LIMITED')
    return `Too many attempts for now. Please wait ${minutes(answer.retryAfter)} minute(s), then try again.`;
  if (code === 'REAUTHENTICATION_REQUIRED')
    return 'For your safety, this needs a fresh sign-in. Sign in again, then repeat what you were doing.';
  if (code === 'UNAUTHENTICATED') return 'You are signed out. Sign in again to continue.';
  if (code === 'EMAIL_TAKEN') return 'Another account uses this address already. Choose another one.';
  if (code === 'INVALID_MFA_CODE')
    return 'That code is not the one your authenticator app shows now. Type the current six digits and try again.';
  if (answer.status === 503 || answer.status >= 500)
    return 'Something went wrong on our side. Nothing was lost: please try again in a minute.';
  if (answer.status === 400 && Array.isArray(answer.body?.message)) {
    if (answer.body.message.some((m) => /^(username|token) /.test(m))) return INCOMPLETE_LINK;
    if (answer.body.message.some((m) => m.startsWith('email'))) return 'Please enter a valid email address.';
  }
  return answer.body?.message && !Array.isArray(answer.body.message)
    ? answer.body.message
    : 'That did not work. Please check what you entered and try again.';
}

const status = document.querySelector('#status');

/** Shows `text` in the page's status line (`role="status"`), as an error or not; empty text hides it. */
export function say(text, { error = false } = {}) {
  status.textContent = text;
  status.classList.toggle('error', error);
}

/** Calls the API for a form or a button: a stale message goes first, a failure is said in plain words. */
export async function send(method, path, body, links) {
  say('');
  const answer = await api(method, path, { body });
  if (!answer.ok) say(explain(answer, links), { error: true });
  return answer;
}

/** Runs `handler` when `form` is submitted, instead of the browser's navigation. */
export function onSubmit(form, handler) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await handler();
  });
}

/** A form that posts `{ email }` to `path`, then says `sent(email)`. */
export function emailForm(form, path, sent) {
  onSubmit(form, async () => {
    const email = form.elements.email.value.trim();
    if ((await send('POST', path, { email })).ok) say(sent(email));
  });
}

/** The link's parameters; when they look cut short, hides `control` (the page's form or button) and says so. */
function linkFromMail(control) {
  const link = linkParameters();
  if (linkLooksIncomplete(link)) {
    control.hidden = true;
    say(INCOMPLETE_LINK, { error: true });
  }
  return link;
}

/**
 * A page opened from a mail's link, with a button that posts the link to `path` when pressed (not on
 * load: mail scanners open links). The button goes once it worked; `then` gets the answer.
 */
export function linkButton(button, path, links, then) {
  const link = linkFromMail(button);
  button.addEventListener('click', async () => {
    button.disabled = true;
    const answer = await send('POST', path, link, links);
    button.disabled = false;
    button.hidden = answer.ok;
    then(answer);
  });
}

/**
 * A page opened from a mail's link, with a form choosing a password: posts the link and the password
 * to `path`. A refused password leaves the link usable, so the form stays for another try; it goes
 * once the call worked. `then` gets the answer.
 */
export async function passwordLinkForm(form, path, links, then) {
  await showPasswordRules();
  const link = linkFromMail(form);
  onSubmit(form, async () => {
    const password = form.elements.password.value;
    const answer = await send('POST', path, { ...link, password }, links);
    form.hidden = answer.ok;
    then(answer);
  });
}

/**
 * A signed-in session in this tab: the access token in sessionStorage under `key` (this tab only:
 * "Sign out" here just forgets it, where a real app would also revoke its refresh token with Cognito's
 * RevokeToken), the page's `#sign-in` form and `#sign-out` button, and `signedIn`, the part of the page
 * shown while signed in. `onSignIn` runs once a sign-in gave a token.
 */
export function session(key, signedIn, onSignIn) {
  const form = document.querySelector('#sign-in');
  const token = () => sessionStorage.getItem(key);
  const signOut = () => {
    sessionStorage.removeItem(key);
    signedIn.hidden = true;
    form.hidden = false;
  };
  const show = () => {
    form.hidden = true;
    signedIn.hidden = false;
  };
  onSubmit(form, async () => {
    say('');
    try {
      sessionStorage.setItem(key, await signIn(form.elements.identifier.value, form.elements.password.value));
    } catch (error) {
      return say(error.message, { error: true });
    }
    form.elements.password.value = '';
    await onSignIn();
  });
  document.querySelector('#sign-out').addEventListener('click', () => {
    signOut();
    say('Signed out on this device.');
  });
  /** An API call with the session's token; a failure is said in plain words (`links`: the page's own). */
  const call = async (method, path, body, links) => {
    const answer = await api(method, path, { body, token: token() });
    if (!answer.ok) say(explain(answer, links), { error: true });
    return answer;
  };
  return { form, token, signOut, show, call };
}

/** Shows the pool's password rules in every element marked `data-password-rules`. */
export async function showPasswordRules() {
  const { passwordRules } = await demoConfig();
  for (const element of document.querySelectorAll('[data-password-rules]')) {
    element.textContent = `At least ${passwordRules.replace(/^at least /, '')}.`;
  }
}

/**
 * One call to Cognito's API with the frontend app client, as any browser app can make it: resolves
 * with `{ ok, type, body }` (`type`: the exception's name); rejects only when Cognito is unreachable.
 */
async function cognito(operation, input) {
  const { cognitoEndpoint, clientId } = await demoConfig();
  let response;
  try {
    response = await fetch(cognitoEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify({ ClientId: clientId, ...input }),
    });
  } catch {
    throw new Error('The sign-in service cannot be reached. Check your connection and try again.');
  }
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, type: String(body.__type ?? ''), body };
}

/**
 * Signs in through the frontend app client: InitiateAuth USER_PASSWORD_AUTH with the email address
 * or the username, then, for an account with two-step sign-in, the authenticator app's code.
 * Resolves with the access token; rejects with an Error whose message is meant for the person.
 */
export async function signIn(identifier, password) {
  const { ok, type, body } = await cognito('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: identifier.trim(), PASSWORD: password },
  });
  if (!ok) {
    if (/NotAuthorized|UserNotFound/.test(type))
      throw new Error(
        'The email address, username or password is not right. Try again, or choose "Forgot password?".',
      );
    if (/PasswordResetRequired|UserNotConfirmed/.test(type))
      throw new Error('This account is not activated yet: open the activation link from your mail.');
    if (/TooManyRequests|LimitExceeded/.test(type))
      throw new Error('Too many sign-in attempts. Please wait a few minutes, then try again.');
    throw new Error('Signing in did not work. Please try again in a minute.');
  }
  if (!body.AuthenticationResult) {
    if (body.ChallengeName === 'NEW_PASSWORD_REQUIRED')
      throw new Error('This account is not activated yet: open the activation link from your mail.');
    if (body.ChallengeName === 'SOFTWARE_TOKEN_MFA')
      return answerCodeChallenge(cognito, body, identifier.trim(), say);
    throw new Error(`Cognito asks for ${body.ChallengeName}, which this demo page does not handle.`);
  }
  return body.AuthenticationResult.AccessToken;
}

/** A new element with these properties (`textContent`, `className`, `onclick`, …) and children. */
export function element(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, properties);
  node.append(...children);
  return node;
}

/** An instant from the API in words, e.g. "3 Dec 2026, 14:05 UTC". */
export function when(iso) {
  const text = new Date(iso).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return `${text} UTC`;
}

/** The same footer on every page: the way to every other page. */
const anchor = (href, textContent) => element('a', { href, textContent });
document.body.append(
  element(
    'footer',
    {},
    'cognito-accounts demo · ',
    anchor('./', 'all pages'),
    ' · ',
    anchor('signup.html', 'sign up'),
    ' · ',
    anchor('account.html', 'sign in'),
    ' · ',
    anchor('admin.html', 'admin'),
    ' · ',
    anchor('/docs', 'API'),
  ),
);
