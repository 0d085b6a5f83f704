import { checkEnvironment } from './check-environment';
import { VALID_ENVIRONMENT } from './valid-environment.fixture';

describe('checkEnvironment', () => {
  const failures = (env: Record<string, unknown>) => {
    const messages: string[] = [];
    checkEnvironment(env, (message) => messages.push(message));
    return messages;
  };

  it('says nothing about a valid environment', () => {
    expect(failures({ ...VALID_ENVIRONMENT, TRUST_PROXY: '1' })).toEqual([]);
  });

  it('reports TRUST_PROXY=0.0.0.0/0 in the configuration message, without a stack trace', () => {
    const [message, ...more] = failures({ ...VALID_ENVIRONMENT, TRUST_PROXY: '0.0.0.0/0' });
    expect(more).toEqual([]);
    expect(message).toMatch(/^Invalid configuration:\n {2}- TRUST_PROXY must be false, a hop count up to 5/);
    expect(message).not.toMatch(/\n\s+at /);
  });
});
