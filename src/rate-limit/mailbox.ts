/**
 * The mailbox an address delivers to, as the mail budget counts it: lower case, and the local
 * part's `+tag` dropped (`Ann+x@Example.com` → `ann@example.com`), since most providers deliver
 * every `+tag` spelling to one inbox. Only the budget's key: the account is still the exact address.
 */
export function mailboxKey(address: string): string {
  const lower = address.toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  // `+tag@…` alone has no mailbox name to fold to: kept as it is.
  return plus > 0 ? `${local.slice(0, plus)}${lower.slice(at)}` : lower;
}
