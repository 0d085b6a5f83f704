import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { ResendActivationDto } from '../../src/accounts/signup/dto/signup.dto';

// The fuzzer's request generators (test/fuzz.e2e-spec.ts).

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface Route {
  method: Method;
  path: string;
  /** The body's fields, to build bodies with the right keys and wrong values. */
  fields: string[];
}

/** HEAD is left out: its answers never have a body, so "every 4xx has a message" cannot hold. */
const METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * True when the service would take this as an address to sign up or move to, by its own DTO: such a
 * request rightly creates or changes an account, so the fuzzer never sends one.
 */
const acceptedAddress = (email: unknown) =>
  validateSync(plainToInstance(ResendActivationDto, { email })).length === 0;

const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });

/** `arb` in about one case out of four, else `nil`. */
const nowAndThen = <T, N>(arb: fc.Arbitrary<T>, nil: N): fc.Arbitrary<T | N> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(nil) }, arb);

const text = fc.oneof(
  printable,
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ minLength: 200, maxLength: 3_000 }),
  fc.constantFrom(
    '',
    ' ',
    'a@b',
    'a@@example.test',
    'a@[127.0.0.1]',
    'ünïcode@exämple.test',
    '"quoted local"@example.test',
    'x@example.test\u0000',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '../../etc/passwd',
    '__proto__',
    '\u202e\u200b',
    'null',
  ),
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, [], {}),
);

/** Values that pass a field's own validation, so that some requests get past it to Cognito. */
const WELL_FORMED: Partial<Record<string, fc.Arbitrary<string>>> = {
  username: fc.uuid({ version: 4 }),
  token: fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
  password: fc.constantFrom('Correct-Horse-9-Battery', 'short', 'Ünïcode-Pässwörd-1'),
  locale: fc.constantFrom('de', 'pt-BR', 'fr', 'zz-ZZZZ'),
};

type Entry = [string, unknown];

/** A JSON object written by hand, so that it can hold `__proto__` and repeated keys. */
const objectText = (entries: Entry[]) =>
  `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;

const pollution = fc.tuple(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.oneof(fc.constant({ admin: true }), fc.constant({ prototype: { admin: true } }), value),
);

/** One of the route's own keys, now and then missing, with a well-formed or any value. */
const field = (key: string) => {
  const wellFormed = WELL_FORMED[key];
  const anyValue = wellFormed
    ? fc.oneof({ weight: 4, arbitrary: wellFormed }, { weight: 1, arbitrary: value })
    : value;
  return fc.option(fc.tuple(fc.constant(key), anyValue), { freq: 6, nil: undefined });
};

/** The route's keys, now and then unknown, repeated or prototype-polluting ones too, in any order. */
const shapedBody = (route: Route) =>
  fc
    .tuple(
      fc.tuple(...route.fields.map(field)),
      nowAndThen(
        fc.array(fc.tuple(fc.oneof(printable, fc.constantFrom(...route.fields, 'email_verified')), value), {
          minLength: 1,
          maxLength: 2,
        }),
        [],
      ),
      nowAndThen(pollution, undefined),
    )
    .map(([own, extra, polluting]) =>
      [...own, ...extra, polluting].filter((entry): entry is Entry => entry !== undefined),
    )
    .chain((entries) => fc.shuffledSubarray(entries, { minLength: entries.length }))
    .map(objectText);

/** A route's body with one field nested `depth` levels deep in arrays or objects (up to 5 000: ~10 kB). */
const nestedBody = (route: Route) =>
  fc
    .tuple(fc.integer({ min: 7, max: 5_000 }), fc.boolean(), fc.constantFrom(...route.fields, 'x'))
    .map(([depth, arrays, key]) => {
      const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
      return `{${JSON.stringify(key)}:${open.repeat(depth)}1${close.repeat(depth)}}`;
    });

/** Many keys (up to 5 000), or keys of up to 90 kB: what would make a validation answer huge. */
const oversizedBody = (route: Route) =>
  fc.oneof(
    fc
      .integer({ min: 90, max: 5_000 })
      .map((count) =>
        objectText([
          ...route.fields.map((key): Entry => [key, 'x']),
          ...Array.from({ length: count }, (_, i): Entry => [`k${i}`, i]),
        ]),
      ),
    fc
      .tuple(fc.integer({ min: 41, max: 90_000 }), fc.constantFrom('k', '\u00e9', '<'))
      .map(([length, unit]) => `{"${unit.repeat(length)}":1}`),
  );

const body = (route: Route): fc.Arbitrary<string | Buffer | undefined> =>
  fc.oneof(
    { weight: 2, arbitrary: nestedBody(route) },
    { weight: 2, arbitrary: oversizedBody(route) },
    { weight: 6, arbitrary: shapedBody(route) },
    { weight: 2, arbitrary: fc.jsonValue().map((json) => JSON.stringify(json)) },
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.uint8Array({ maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(undefined),
    fc.constant(objectText([[route.fields[0] ?? 'pad', 'x'.repeat(110 * 1024)]])),
  );

/** Never a body that would sign an address up or request a change to it. */
const harmless = (payload: string | Buffer | undefined) => {
  if (typeof payload !== 'string') return true;
  try {
    const parsed: unknown = JSON.parse(payload);
    return !(parsed && typeof parsed === 'object' && acceptedAddress((parsed as { email?: unknown }).email));
  } catch {
    return true;
  }
};

const contentType = fc.option(
  fc.oneof(
    { weight: 10, arbitrary: fc.constant('application/json') },
    fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=utf-16',
      'application/vnd.api+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/*',
      '*/*',
    ),
    printable,
  ),
  { freq: 8, nil: undefined },
);

const pathSuffix = nowAndThen(
  fc.oneof(
    fc.webSegment().map((segment) => `/${segment}`),
    printable.map((segment) => `/${encodeURIComponent(segment)}`),
    fc.constantFrom('/', '//', '/..', '/%2e%2e/health', '/%00', '/%zz', '/;x', '.json', '/index.html'),
  ),
  '',
);

const query = nowAndThen(
  fc.oneof(
    fc.webQueryParameters().map((q) => `?${q}`),
    fc
      .dictionary(printable, printable, { maxKeys: 4 })
      .map((entries) => `?${new URLSearchParams(entries).toString()}`),
    fc.constantFrom(
      '?__proto__[admin]=1',
      '?constructor[prototype][admin]=1',
      '?email=fuzz@example.test',
      '?a=%',
      '?a=%zz',
      '?a[]=1&a[]=2',
      `?q=${'x'.repeat(5_000)}`,
    ),
  ),
  '',
);

/** Header names the transport owns (a wrong content-length would only hang the injected request). */
const TRANSPORT_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'content-type',
]);

const headers = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'x-request-id',
      'accept',
      'accept-language',
      'origin',
      'x-forwarded-for',
      'cookie',
      'content-encoding',
      'expect',
    ),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((name) => !TRANSPORT_HEADERS.has(name)),
  ),
  printable,
  { maxKeys: 3 },
);

/** Missing, garbage, and real or tampered tokens of a real account. */
const authorization = (accessToken: string) =>
  fc.option(
    fc.oneof(
      printable,
      printable.map((token) => `Bearer ${token}`),
      fc.constant(`Bearer ${'x'.repeat(9_000)}`),
      fc.constantFrom('Bearer', 'Bearer ', 'bearer', 'Basic dXNlcjpwYXNz'),
      fc.constant(`Bearer ${accessToken}`),
      fc.tuple(fc.nat(), fc.constantFrom(...'AZaz09-_.')).map(([at, c]) => {
        const i = at % accessToken.length;
        return `Bearer ${accessToken.slice(0, i)}${c}${accessToken.slice(i + 1)}`;
      }),
      fc
        .tuple(fc.base64String(), fc.base64String(), fc.base64String())
        .map((parts) => `Bearer eyJ${parts.join('.')}`),
    ),
    { nil: undefined },
  );

/** Routes that end the real account's sessions or the account itself when the real token is sent. */
const DESTRUCTIVE = [/^DELETE \/accounts\/me\/?(\?|$)/i, /^POST \/accounts\/me\/sessions\/revoke\/?(\?|$)/i];

/** One request to `route`, mostly malformed, never one that would create or change an account. */
export const requests = (route: Route, accessToken: string) =>
  fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(route.method) }, fc.constantFrom(...METHODS)),
      url: fc.tuple(pathSuffix, query).map(([suffix, q]) => `${route.path}${suffix}${q}`),
      headers,
      authorization: authorization(accessToken),
      contentType,
      payload: body(route).filter(harmless),
    })
    .filter(
      ({ method, url, authorization: sent }) =>
        sent !== `Bearer ${accessToken}` || !DESTRUCTIVE.some((route) => route.test(`${method} ${url}`)),
    );
