import { clientKey } from './client-address';

describe('clientKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 client by its /64, however the address is written', () => {
    const key = '2001:db8:0:42::/64';
    expect(clientKey('2001:db8:0:42::1')).toBe(key);
    expect(clientKey('2001:0db8:0000:0042:ffff:ffff:ffff:ffff')).toBe(key);
    expect(clientKey('2001:DB8:0:42:a:b:c:d')).toBe(key);
    expect(clientKey('2001:db8:0:43::1')).not.toBe(key);
  });

  it('handles compressed forms at either end', () => {
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('2001:db8:1:2:3::')).toBe('2001:db8:1:2::/64');
    expect(clientKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 client per IPv4 address', () => {
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:192.0.2.2')).not.toBe(clientKey('::ffff:192.0.2.1'));
  });
});
