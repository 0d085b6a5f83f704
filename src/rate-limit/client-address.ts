import { isIPv6 } from 'node:net';

/**
 * What the per-IP limit counts: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64 and can rotate through it at will). IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`) is an IPv4 client and counts per address.
 */
export function clientKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function expandIPv6(ip: string): string[] {
  const address = ip.split('%', 1)[0].toLowerCase();
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const withV4 = (parts: string[]) => {
    const last = parts.at(-1);
    if (!last?.includes('.')) return parts;
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    return [...parts.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  };
  const left = withV4(groups(head));
  const right = tail === undefined ? [] : withV4(groups(tail));
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16).toString(16));
}
