// Shared by the demo pages: calling this service's API and showing what it answered.

/** Calls the API on this page's origin; resolves with `{ ok, status, body }` (body parsed from JSON, if any). */
export async function api(method, path, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { ok: response.ok, status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The `u` (username) and `t` (token) parameters of a link from a mail. */
export function linkParameters() {
  const query = new URLSearchParams(window.location.search);
  return { username: query.get('u') ?? '', token: query.get('t') ?? '' };
}

/** The readable part of an error answer `{ statusCode, error, message, code? }`; `message` may be a list. */
export function problem({ status, body }) {
  const message = body?.message ?? body?.error ?? `HTTP ${status}`;
  return Array.isArray(message) ? message.join('; ') : message;
}

/** Shows `text` in a status element (`role="status"`), as an error or not. */
export function say(element, text, { error = false } = {}) {
  element.textContent = text;
  element.classList.toggle('error', error);
}
