import { buildLink } from './links';

const TEMPLATE = 'https://app.example.com/activate?u={username}&t={token}';

describe('buildLink', () => {
  it('fills both placeholders', () => {
    expect(buildLink(TEMPLATE, { username: 'abc-123', token: 'Secret_9-x' })).toBe(
      'https://app.example.com/activate?u=abc-123&t=Secret_9-x',
    );
  });

  it('URL-encodes the values so a token with + / = & survives the trip through a browser', () => {
    const values = { username: 'user name&x=1', token: 'a+b/c=d&e%f?g#h' };

    const link = buildLink(TEMPLATE, values);

    expect(link).not.toContain('{');
    expect(link).toContain('t=a%2Bb%2Fc%3Dd%26e%25f%3Fg%23h');
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe('https://app.example.com/activate');
    expect(url.searchParams.get('u')).toBe(values.username);
    expect(url.searchParams.get('t')).toBe(values.token);
    expect([...url.searchParams.keys()]).toEqual(['u', 't']);
    expect(url.hash).toBe('');
  });

  it('does not treat $ in a value as a replacement pattern', () => {
    const values = { username: "$&$'$`", token: '$$1' };

    const url = new URL(buildLink(TEMPLATE, values));

    expect(url.searchParams.get('u')).toBe(values.username);
    expect(url.searchParams.get('t')).toBe(values.token);
  });

  it('replaces every occurrence of a placeholder', () => {
    const link = buildLink(
      'https://app.example.com/{username}/activate?u={username}&t={token}&again={token}',
      {
        username: 'u1',
        token: 't+1',
      },
    );

    expect(link).toBe('https://app.example.com/u1/activate?u=u1&t=t%2B1&again=t%2B1');
  });

  it('works with the placeholders in either order and in the path', () => {
    const values = { username: 'd9f1c7a2-0000-4000-8000-000000000000', token: 'x/y+z' };

    const url = new URL(buildLink('https://app.example.com/activate/{token}?user={username}', values));

    expect(decodeURIComponent(url.pathname.split('/')[2])).toBe(values.token);
    expect(url.searchParams.get('user')).toBe(values.username);
  });

  it('does not fill a placeholder that arrives inside a value', () => {
    const url = new URL(buildLink(TEMPLATE, { username: '{token}', token: 'secret' }));

    expect(url.searchParams.get('u')).toBe('{token}');
    expect(url.searchParams.get('t')).toBe('secret');
  });
});
