import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateEnvironment } from './env.validation';
import { REQUIRED_VARIABLES as REQUIRED, VALID_ENVIRONMENT as VALID } from './valid-environment.fixture';

/** The message validateEnvironment throws for `raw`; fails the test if it does not throw. */
function failureFor(raw: Record<string, unknown>): string {
  try {
    validateEnvironment(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

/** The lines of the failure message that name `variable`. */
const linesAbout = (message: string, variable: string): string[] =>
  message.split('\n').filter((line) => line.includes(variable));

describe('validateEnvironment', () => {
  it('accepts a complete environment and fills in the defaults', () => {
    const env = validateEnvironment({ ...VALID });

    expect(env).toMatchObject({ ...VALID, PORT: 3000, HOST: '0.0.0.0', LOG_LEVEL: 'log' });
    expect(env.COGNITO_ENDPOINT).toBeUndefined();
  });

  it('turns PORT into a number', () => {
    expect(validateEnvironment({ ...VALID, PORT: '8080' }).PORT).toBe(8080);
  });

  it('serves the demo pages only when DEMO_PAGES is true', () => {
    expect(validateEnvironment({ ...VALID }).DEMO_PAGES).toBe(false);
    expect(validateEnvironment({ ...VALID, DEMO_PAGES: 'true' }).DEMO_PAGES).toBe(true);
    expect(validateEnvironment({ ...VALID, DEMO_PAGES: 'false' }).DEMO_PAGES).toBe(false);
  });

  it('refuses TRUST_PROXY=true (forgeable client IP), takes small hop counts and proxy CIDRs', () => {
    expect(linesAbout(failureFor({ ...VALID, TRUST_PROXY: 'true' }), 'TRUST_PROXY')[0]).toContain(
      'hop count',
    );
    expect(validateEnvironment({ ...VALID, TRUST_PROXY: '1' }).TRUST_PROXY).toBe('1');
    expect(validateEnvironment({ ...VALID, TRUST_PROXY: '5' }).TRUST_PROXY).toBe('5');
    expect(validateEnvironment({ ...VALID, TRUST_PROXY: '10.0.0.0/8,fd00::/48,192.0.2.7' }).TRUST_PROXY).toBe(
      '10.0.0.0/8,fd00::/48,192.0.2.7',
    );
  });

  it.each([
    ['99', '99 hops'],
    ['6', '6 hops'],
    ['0.0.0.0/0', 'covers too much'],
    ['0.0.0.0/1,128.0.0.0/1', '"0.0.0.0/1" covers too much'],
    ['10.0.0.0/7', 'IPv4 prefixes start at /8'],
    ['::/0', 'covers too much'],
    ['2000::/3', 'IPv6 prefixes start at /32'],
    ['10.0.0.0/33', 'no valid prefix length'],
    ['10.0.0.300', 'not an IP address'],
  ])('refuses TRUST_PROXY=%s in the configuration error, not a stack', (value, reason) => {
    const message = failureFor({ ...VALID, TRUST_PROXY: value });
    expect(message).toMatch(/^Invalid configuration:\n/);
    expect(linesAbout(message, 'TRUST_PROXY')[0]).toContain(reason);
  });

  it('refuses a header timeout longer than the request timeout (Node would throw at boot)', () => {
    const message = failureFor({ ...VALID, HTTP_HEADERS_TIMEOUT_MS: '60000' });
    expect(linesAbout(message, 'HTTP_HEADERS_TIMEOUT_MS')[0]).toContain(
      'not be longer than HTTP_REQUEST_TIMEOUT_MS',
    );
    const same = { ...VALID, HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '60000' };
    expect(validateEnvironment(same).HTTP_HEADERS_TIMEOUT_MS).toBe(60_000);
  });

  it('keeps HOST and LOG_LEVEL when they are given', () => {
    const env = validateEnvironment({ ...VALID, HOST: '127.0.0.1', LOG_LEVEL: 'debug' });

    expect(env.HOST).toBe('127.0.0.1');
    expect(env.LOG_LEVEL).toBe('debug');
  });

  it('treats variables set to the empty string as unset', () => {
    const env = validateEnvironment({ ...VALID, HOST: '', EMAIL_CONFIRMATION_TTL_HOURS: '' });
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.EMAIL_CONFIRMATION_TTL_HOURS).toBe(24);
  });

  it('falls back to port 3000 when PORT is set but empty', () => {
    // `PORT=` in a compose file or unit file must not make the server listen on a random port.
    expect(validateEnvironment({ ...VALID, PORT: '' }).PORT).toBe(3000);
  });

  it('ignores variables it does not know (the process environment has many)', () => {
    expect(() => validateEnvironment({ ...VALID, PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
  });

  it('throws one error that names every missing required variable', () => {
    const message = failureFor({});

    expect(message).toMatch(/^Invalid configuration/);
    for (const variable of REQUIRED) expect(linesAbout(message, variable)).not.toHaveLength(0);
    expect(message).not.toContain('PORT');
    expect(message).not.toContain('HOST');
    expect(message).not.toContain('LOG_LEVEL');
    expect(message).not.toContain('COGNITO_ENDPOINT');
  });

  it.each(REQUIRED)('names %s when only it is missing', (variable) => {
    const raw: Record<string, string> = { ...VALID };
    delete raw[variable];

    const message = failureFor(raw);

    expect(linesAbout(message, variable)).not.toHaveLength(0);
    for (const other of REQUIRED.filter((name) => name !== variable)) {
      expect(linesAbout(message, other)).toHaveLength(0);
    }
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['LOG_LEVEL', 'chatty'],
    ['AWS_REGION', 'Ireland'],
    ['COGNITO_USER_POOL_ID', 'AbCdEf123'],
    ['COGNITO_BACKEND_CLIENT_ID', 'not a client id'],
    ['SMTP_URL', 'http://x'],
    ['SMTP_URL', 'smtp.example.com'],
    ['MAIL_FROM', ''],
    ['ACTIVATION_URL', 'https://app.example.com/activate?u={username}'],
    ['ACTIVATION_URL', 'https://app.example.com/activate?t={token}'],
    ['ACTIVATION_URL', 'app.example.com/activate?u={username}&t={token}'],
    ['COGNITO_ENDPOINT', 'not-a-url'],
    ['COGNITO_ENDPOINT', 'ftp://cognito.example.com'],
    ['DEMO_PAGES', 'yes'],
  ])('rejects %s=%j and names it', (variable, value) => {
    const message = failureFor({ ...VALID, [variable]: value });

    expect(linesAbout(message, variable)).not.toHaveLength(0);
    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toEqual(
      linesAbout(message, variable),
    );
  });

  it('lists several invalid variables in the same error', () => {
    const message = failureFor({
      ...VALID,
      PORT: 'abc',
      SMTP_URL: 'http://x',
      COGNITO_ENDPOINT: 'not-a-url',
    });

    for (const variable of ['PORT', 'SMTP_URL', 'COGNITO_ENDPOINT']) {
      expect(linesAbout(message, variable)).not.toHaveLength(0);
    }
  });

  it('refuses a pool of another region than AWS_REGION, listed with every other problem', () => {
    const message = failureFor({
      ...VALID,
      AWS_REGION: 'us-east-1',
      COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
      SMTP_URL: 'http://x',
    });

    expect(linesAbout(message, 'COGNITO_USER_POOL_ID')).toEqual([
      '  - COGNITO_USER_POOL_ID eu-west-1_AbCdEf123 is a pool of region eu-west-1, but AWS_REGION is us-east-1',
    ]);
    expect(linesAbout(message, 'SMTP_URL')).not.toHaveLength(0);
    expect(() =>
      validateEnvironment({ ...VALID, AWS_REGION: 'us-east-1', COGNITO_USER_POOL_ID: 'us-east-1_AbCdEf123' }),
    ).not.toThrow();
  });

  it('reads the signing keys from COGNITO_JWKS_URL only when it is set (emulators)', () => {
    expect(validateEnvironment({ ...VALID }).COGNITO_JWKS_URL).toBeUndefined();
    const url = 'http://127.0.0.1:5000/eu-west-1_AbCdEf123/.well-known/jwks.json';
    expect(validateEnvironment({ ...VALID, COGNITO_JWKS_URL: url }).COGNITO_JWKS_URL).toBe(url);
    expect(
      linesAbout(failureFor({ ...VALID, COGNITO_JWKS_URL: 'jwks.json' }), 'COGNITO_JWKS_URL'),
    ).toHaveLength(1);
  });

  it.each(['http://127.0.0.1:5000', 'http://localhost:5000', 'https://cognito-idp.eu-west-1.amazonaws.com'])(
    'accepts COGNITO_ENDPOINT=%s',
    (endpoint) => {
      expect(validateEnvironment({ ...VALID, COGNITO_ENDPOINT: endpoint }).COGNITO_ENDPOINT).toBe(endpoint);
    },
  );

  it.each([
    'smtp://localhost:1025',
    'smtp://mailpit:1025',
    'smtps://apikey:SG.a%2Fb%40c@smtp.sendgrid.net:465',
  ])('accepts SMTP_URL=%s', (url) => {
    expect(validateEnvironment({ ...VALID, SMTP_URL: url }).SMTP_URL).toBe(url);
  });

  it.each([
    'https://app.example.com/activate?u={username}&t={token}',
    'https://app.example.com/activate?t={token}&u={username}',
    'http://localhost:4200/activate/{token}/{username}',
    'https://app.example.com/activate#u={username}&t={token}',
  ])('accepts ACTIVATION_URL=%s (placeholders in either order)', (template) => {
    expect(validateEnvironment({ ...VALID, ACTIVATION_URL: template }).ACTIVATION_URL).toBe(template);
  });

  it('needs SMTP_URL only for the SMTP transport', () => {
    const withoutSmtp: Partial<typeof VALID> = { ...VALID };
    delete withoutSmtp.SMTP_URL;
    expect(linesAbout(failureFor(withoutSmtp), 'SMTP_URL')).not.toHaveLength(0);
    const env = validateEnvironment({
      ...withoutSmtp,
      MAIL_TRANSPORT: 'ses',
      SES_TAGS: 'app=accounts,env=prod',
    });
    expect(env).toMatchObject({ MAIL_TRANSPORT: 'ses', SES_TAGS: 'app=accounts,env=prod' });
    expect(validateEnvironment({ ...VALID }).MAIL_TRANSPORT).toBe('smtp');
  });

  it('needs JOBS_QUEUE_URL only for the SQS engine', () => {
    expect(linesAbout(failureFor({ ...VALID, QUEUE_ENGINE: 'sqs' }), 'JOBS_QUEUE_URL')).not.toHaveLength(0);
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/accounts-jobs';
    const table = { COORDINATION_TABLE: 'accounts-coordination' };
    expect(
      validateEnvironment({ ...VALID, ...table, QUEUE_ENGINE: 'sqs', JOBS_QUEUE_URL: url }).JOBS_QUEUE_URL,
    ).toBe(url);
    expect(validateEnvironment({ ...VALID }).QUEUE_ENGINE).toBeUndefined();
  });

  it.each([
    ['QUEUE_ENGINE', 'kafka'],
    ['MAIL_TRANSPORT', 'sendmail'],
    ['SES_TAGS', 'app'],
    ['SES_TAGS', 'app=a b'],
    ['SES_CONFIGURATION_SET', 'has spaces'],
  ])('rejects %s=%j and names it', (variable, value) => {
    expect(linesAbout(failureFor({ ...VALID, [variable]: value }), variable)).not.toHaveLength(0);
  });
});

describe('the documented configuration', () => {
  // Every variable the schema knows, read from its source: `  NAME: type` or `  NAME?: type`.
  const source = ['env.validation.ts', 'events.env.ts']
    .map((file) => readFileSync(join(__dirname, file), 'utf8'))
    .join('\n');
  const variables = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+)[?!]?:/gm)].map(([, name]) => name);
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const example = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');

  it('reads the schema', () => {
    expect(variables).toEqual(
      expect.arrayContaining(['AWS_REGION', 'REDIS_URL', 'HTTP_MAX_CONNECTIONS', 'WEBHOOK_ENDPOINTS']),
    );
  });

  it.each(variables)('%s is in the README configuration table and in .env.example', (name) => {
    expect(readme).toContain(`| \`${name}\``);
    expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
