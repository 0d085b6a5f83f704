import { listUsersByEmail } from './support/cognito-pool';
import { jobsDone } from './support/jobs';
import { startStack, TestStack } from './support/stack';

const UUID = '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b';
const TOKEN = 'Abcdefghijklmnop-1234567890_QRSTU';

interface Case {
  name: string;
  url: string;
  body: string | object | undefined;
  contentType?: string;
  status: number;
  /** A word the error message must contain (the field it is about). */
  mentions?: string;
}

const routes = {
  signup: '/accounts/signup',
  resend: '/accounts/signup/resend',
  complete: '/accounts/signup/complete',
};

const cases: Case[] = [
  ...[routes.signup, routes.resend].flatMap((url): Case[] => [
    { name: 'missing email', url, body: {}, status: 400, mentions: 'email' },
    { name: 'malformed email', url, body: { email: 'not-an-address' }, status: 400, mentions: 'email' },
    { name: 'email of the wrong type', url, body: { email: 42 }, status: 400, mentions: 'email' },
    { name: 'email as an array', url, body: { email: ['a@example.test'] }, status: 400, mentions: 'email' },
    {
      name: 'email over 254 characters',
      url,
      body: { email: `${'a'.repeat(250)}@example.test` },
      status: 400,
      mentions: 'email',
    },
    {
      name: 'unknown field',
      url,
      body: { email: 'a@example.test', admin: true },
      status: 400,
      mentions: 'admin',
    },
    // Look-alike letters from another script: Cyrillic 'а' (U+0430) in place of Latin 'a'.
    {
      name: 'look-alike letters',
      url,
      body: { email: 'j\u0430ne@example.test' },
      status: 400,
      mentions: 'ASCII',
    },
    {
      name: 'a non-punycode international domain',
      url,
      body: { email: 'a@b\u00fccher.example' },
      status: 400,
      mentions: 'email',
    },
    {
      name: 'a quoted local part (delivered to the unquoted mailbox)',
      url,
      body: { email: '"a"@example.test' },
      status: 400,
      mentions: 'without quotes',
    },
    {
      name: 'a quoted local part with markup',
      url,
      body: { email: '"<img/src=x/onerror=alert(1)>"@example.test' },
      status: 400,
      mentions: 'without quotes',
    },
    {
      name: 'JSON nested 5000 levels deep',
      url,
      body: `{"email":"a@example.test","x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      contentType: 'application/json',
      status: 400,
      mentions: 'nested too deeply',
    },
    { name: 'broken JSON', url, body: '{"email": ', contentType: 'application/json', status: 400 },
    { name: 'a JSON array body', url, body: '[]', contentType: 'application/json', status: 400 },
    {
      name: 'a JSON string body',
      url,
      body: '"a@example.test"',
      contentType: 'application/json',
      status: 400,
    },
    { name: 'null body', url, body: 'null', contentType: 'application/json', status: 400 },
    { name: 'no body', url, body: undefined, status: 400 },
    {
      name: 'a body over 100 kB',
      url,
      body: { email: 'a@example.test', pad: 'x'.repeat(101 * 1024) },
      status: 413,
    },
    {
      name: 'form-encoded body',
      url,
      body: 'email=a@example.test',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
    },
  ]),
  {
    name: 'bad locale',
    url: routes.signup,
    body: { email: 'a@example.test', locale: '<script>' },
    status: 400,
    mentions: 'locale',
  },
  {
    name: 'locale of the wrong type',
    url: routes.signup,
    body: { email: 'a@example.test', locale: 7 },
    status: 400,
    mentions: 'locale',
  },
  {
    name: 'locale on resend',
    url: routes.resend,
    body: { email: 'a@example.test', locale: 'de' },
    status: 400,
    mentions: 'locale',
  },
  {
    name: 'missing username',
    url: routes.complete,
    body: { token: TOKEN, password: 'Aa1-aaaaaaaa' },
    status: 400,
    mentions: 'username',
  },
  {
    name: 'username not a UUID',
    url: routes.complete,
    body: { username: 'jane', token: TOKEN, password: 'Aa1-aaaaaaaa' },
    status: 400,
    mentions: 'username',
  },
  {
    name: 'missing token',
    url: routes.complete,
    body: { username: UUID, password: 'Aa1-aaaaaaaa' },
    status: 400,
    mentions: 'token',
  },
  {
    name: 'token with foreign characters',
    url: routes.complete,
    body: { username: UUID, token: `${TOKEN}%`, password: 'Aa1-aaaaaaaa' },
    status: 400,
    mentions: 'token',
  },
  {
    name: 'token too long',
    url: routes.complete,
    body: { username: UUID, token: 'a'.repeat(500), password: 'Aa1-aaaaaaaa' },
    status: 400,
    mentions: 'token',
  },
  {
    name: 'missing password',
    url: routes.complete,
    body: { username: UUID, token: TOKEN },
    status: 400,
    mentions: 'password',
  },
  {
    name: 'password of the wrong type',
    url: routes.complete,
    body: { username: UUID, token: TOKEN, password: 12345678 },
    status: 400,
    mentions: 'password',
  },
  {
    name: 'password with surrounding spaces',
    url: routes.complete,
    body: { username: UUID, token: TOKEN, password: ' Aa1-aaaaaaaa ' },
    status: 400,
    mentions: 'password',
  },
  {
    name: 'password over 256 characters',
    url: routes.complete,
    body: { username: UUID, token: TOKEN, password: `Aa1-${'a'.repeat(300)}` },
    status: 400,
    mentions: 'password',
  },
  {
    name: 'unknown field on complete',
    url: routes.complete,
    body: { username: UUID, token: TOKEN, password: 'Aa1-aaaaaaaa', email: 'x@example.test' },
    status: 400,
    mentions: 'email',
  },
];

describe('bad input gets a clear 4xx and changes nothing', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it.each(cases)('$url: $name → $status', async ({ url, body, contentType, status, mentions }) => {
    const res = await stack.app.inject({
      method: 'POST',
      url,
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      headers: { 'content-type': contentType ?? 'application/json' },
    });
    expect(res.statusCode).toBe(status);
    const error = res.json<{ statusCode: number; message: string | string[] }>();
    expect(error.statusCode).toBe(status);
    const message = [error.message].flat().join(' ');
    expect(message.length).toBeGreaterThan(0);
    if (mentions) expect(message).toContain(mentions);
  });

  it('created no account and sent no mail for any of it', async () => {
    await jobsDone(stack.app);
    expect(await listUsersByEmail(stack.pool, '"a"@example.test')).toHaveLength(0);
    expect(await listUsersByEmail(stack.pool, 'a@example.test')).toHaveLength(0);
    expect(stack.smtp.messages).toHaveLength(0);
    expect(stack.logs.text).not.toMatch(/Unhandled error/);
  });

  it('answers 404 with the error body for an unknown route', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/accounts/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
