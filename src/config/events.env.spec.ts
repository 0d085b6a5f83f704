import { parseWebhookEndpoints } from './events.env';
import { VALID_ENVIRONMENT as validEnvironment } from './valid-environment.fixture';
import { validateEnvironment } from './env.validation';

describe('the lifecycle events configuration', () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const endpoints = (list: unknown) => JSON.stringify(list);

  it('takes HTTPS receivers with their filters, and every type when no filter is given', () => {
    const { endpoints: parsed, problems } = parseWebhookEndpoints(
      endpoints([
        { url: 'https://a.example.com/hooks', events: ['account.deleted'] },
        { url: 'https://b.example.com/' },
      ]),
      false,
    );
    expect(problems).toEqual([]);
    expect(parsed.map((endpoint) => endpoint.events)).toEqual([['account.deleted'], ['*']]);
  });

  it.each([
    ['not JSON', 'https://a.example.com', /is not JSON/],
    ['plain HTTP', endpoints([{ url: 'http://a.example.com/?key=secret' }]), /endpoint 1 must use https/],
    ['loopback HTTP without the flag', endpoints([{ url: 'http://127.0.0.1:9/' }]), /must use https/],
    ['an empty filter', endpoints([{ url: 'https://a.example.com', events: [] }]), /events must be/],
  ])('refuses %s at boot, in the configuration-error format, without the URL', (_name, value, message) => {
    const boot = () =>
      validateEnvironment({ ...validEnvironment, WEBHOOK_ENDPOINTS: value, WEBHOOK_SECRETS: secret });
    expect(boot).toThrow(/^Invalid configuration:\n {2}- WEBHOOK_ENDPOINTS /);
    expect(boot).toThrow(message);
    expect(boot).not.toThrow(/key=secret/);
  });

  it('takes plain HTTP on loopback only with WEBHOOK_ALLOW_LOOPBACK_HTTP', () => {
    const env = validateEnvironment({
      ...validEnvironment,
      WEBHOOK_ENDPOINTS: endpoints([{ url: 'http://127.0.0.1:9/hooks' }]),
      WEBHOOK_SECRETS: secret,
      WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
    });
    expect(env.WEBHOOK_ALLOW_LOOPBACK_HTTP).toBe(true);
  });

  it('asks for a whsec_ secret with the receivers, two during a rotation, no more', () => {
    const base = { ...validEnvironment, WEBHOOK_ENDPOINTS: endpoints([{ url: 'https://a.example.com' }]) };
    expect(() => validateEnvironment(base)).toThrow('WEBHOOK_SECRETS is required');
    expect(() => validateEnvironment({ ...base, WEBHOOK_SECRETS: 'hunter2' })).toThrow(/whsec_/);
    expect(() => validateEnvironment({ ...base, WEBHOOK_SECRETS: `${secret},${secret}` })).not.toThrow();
    expect(() => validateEnvironment({ ...base, WEBHOOK_SECRETS: `${secret},${secret},${secret}` })).toThrow(
      /whsec_/,
    );
  });
});
