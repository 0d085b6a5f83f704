/**
 * The first URL in `text` (a mail's text or HTML body) that starts with `prefix`, parsed. HTML entities
 * in it (`&amp;`) are decoded. Throws, quoting the body, if there is none.
 */
export function linkFrom(text: string, prefix: string): URL {
  const decoded = text.replace(/&amp;|&#38;|&#x26;/gi, '&');
  let from = 0;
  for (;;) {
    const at = decoded.indexOf(prefix, from);
    if (at < 0) break;
    // A URL ends at whitespace, a quote, angle brackets or a closing paren/bracket of the surrounding text.
    const candidate = decoded.slice(at).match(/^[^\s"'<>()[\]]+/)?.[0] ?? '';
    const trimmed = candidate.replace(/[.,;:!?]+$/, '');
    try {
      return new URL(trimmed);
    } catch {
      from = at + 1;
    }
  }
  throw new Error(`no link starting with ${prefix} in:\n${text}`);
}
