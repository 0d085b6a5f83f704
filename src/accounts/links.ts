/** Fills a link template's `{username}` and `{token}` placeholders, URL-encoded. */
export function buildLink(template: string, values: { username: string; token: string }): string {
  return template
    .replaceAll('{username}', encodeURIComponent(values.username))
    .replaceAll('{token}', encodeURIComponent(values.token));
}
