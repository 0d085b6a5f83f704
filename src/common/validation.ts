import { applyDecorators, BadRequestException, ValidationPipe } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationError,
} from 'class-validator';

/** What every route does to an email before looking at it: trim and lower-case (and nothing else). */
export const normalizeEmail = (value: string): string => value.trim().toLowerCase();

const onStrings =
  (fn: (value: string) => string) =>
  ({ value }: { value: unknown }): unknown =>
    typeof value === 'string' ? fn(value) : value;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const LINK_TOKEN = /^[A-Za-z0-9_-]+$/;
const LOCALE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
const NO_SURROUNDING_SPACE = /^\S(.*\S)?$/s;

// Each decorator below carries its OpenAPI constraints next to its validators: the Swagger plugin
// cannot see through applyDecorators, and this keeps one source for both.

/**
 * Cognito's ListUsers `Filter` is at most 256 characters (API reference, UserFilterType), and the
 * service finds an account by its address with `email = "<address>"`. So an address is usable only
 * if that filter fits: 246 characters. (RFC 5321's 254 would let through addresses Cognito then
 * refuses to look up.) A dot-atom address has no `"` or `\`, so the filter never needs escapes.
 */
const USER_FILTER_MAX = 256;
const EMAIL_FILTER_OVERHEAD = 'email = ""'.length;
export const EMAIL_MAX_LENGTH = USER_FILTER_MAX - EMAIL_FILTER_OVERHEAD;

/**
 * The local part as a dot-atom (RFC 5322 `atext` runs joined by single dots), never a quoted string:
 * a mail server delivers `"alice"@example.com` to `alice@example.com`, so quoted forms would give
 * one mailbox two accounts, and they carry characters (`<`, `>`, spaces) no address of ours needs.
 */
const DOT_ATOM_LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[^@]+$/;

const UnquotedAddress = () =>
  ValidateBy({
    name: 'unquotedAddress',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || DOT_ATOM_LOCAL_PART.test(value),
      defaultMessage: () => '$property must be a plain address like name@example.com, without quotes',
    },
  });

/**
 * An email address, normalized before validation, at most EMAIL_MAX_LENGTH characters (see above),
 * with an unquoted local part. ASCII only: look-alike letters from other scripts (Cyrillic а for
 * Latin a) would otherwise give two accounts addresses that read the same; international domains are
 * written in punycode (xn--). Every route that takes an address uses this one rule.
 */
export const IsNormalizedEmail = () =>
  applyDecorators(
    ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH, pattern: DOT_ATOM_LOCAL_PART.source }),
    Transform(onStrings(normalizeEmail)),
    IsString(),
    MaxLength(EMAIL_MAX_LENGTH, { message: `$property must be at most ${EMAIL_MAX_LENGTH} characters` }),
    Matches(PRINTABLE_ASCII, {
      message: '$property must be plain ASCII; write an international domain in its xn-- form',
    }),
    UnquotedAddress(),
    IsEmail({ allow_ip_domain: false, require_tld: true, allow_utf8_local_part: false }),
  );

/** A username of this service: the UUID the account was created with. */
export const IsUsername = () =>
  applyDecorators(
    ApiProperty({ format: 'uuid' }),
    Transform(onStrings((value) => value.trim().toLowerCase())),
    IsString(),
    IsUUID('4'),
  );

/** A secret from one of our links (URL-unreserved characters only). */
export const IsLinkToken = () =>
  applyDecorators(
    ApiProperty({ minLength: 16, maxLength: 128, pattern: LINK_TOKEN.source }),
    IsString(),
    Length(16, 128),
    Matches(LINK_TOKEN, { message: '$property contains characters that never appear in a link' }),
  );

/** A BCP 47 language tag such as `en`, `de` or `pt-BR`. */
export const IsLocaleTag = () =>
  applyDecorators(
    ApiProperty({ maxLength: 35, pattern: LOCALE_TAG.source }),
    IsString(),
    MaxLength(35),
    Matches(LOCALE_TAG, {
      message: '$property must be a language tag like en or pt-BR',
    }),
  );

/** A new password: the pool's policy is Cognito's to enforce; here only what Cognito would reject as malformed. */
export const IsNewPassword = () =>
  applyDecorators(
    ApiProperty({ format: 'password', minLength: 1, maxLength: 256 }),
    IsString(),
    Length(1, 256),
    Matches(NO_SURROUNDING_SPACE, { message: '$property must not begin or end with white space' }),
  );

/** Field names in validation messages are cut to this many characters. */
export const FIELD_NAME_MAX = 40;
/** At most this many validation messages per answer, then one "and N more". */
export const MESSAGES_MAX = 10;

const cut = (name: string) => (name.length > FIELD_NAME_MAX ? `${name.slice(0, FIELD_NAME_MAX)}…` : name);

function messagesOf(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${cut(error.property)}` : cut(error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => {
      const named = message.split(error.property).join(cut(error.property));
      return parent ? `${parent}.${named}` : named;
    });
    return [...own, ...messagesOf(error.children ?? [], path)];
  });
}

/**
 * The ValidationPipe's 400: one message per problem, as class-validator words them, but a field name
 * someone sent (an unknown key of 99 kB) is echoed cut short, and a body with thousands of problems
 * gets ten messages and a count: the answer stays small whatever was sent.
 */
export function validationFailure(errors: ValidationError[]): BadRequestException {
  const messages = messagesOf(errors);
  const shown = messages.slice(0, MESSAGES_MAX);
  if (messages.length > MESSAGES_MAX) shown.push(`and ${messages.length - MESSAGES_MAX} more`);
  return withoutStack(() => new BadRequestException(shown));
}

/**
 * Builds an error without capturing a stack trace: a 400 is the client's mistake, its stack is never
 * logged or answered, and capturing one cost more than the rest of the exception (bench/README.md,
 * "Framework internals"). Node's documented `Error.stackTraceLimit`, set only while this one error is
 * built (synchronously, so no other code runs meanwhile).
 */
function withoutStack<E extends Error>(build: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The one validation pipe: AppModule's global pipe, and what LiveTokenCheck runs before asking
 * Cognito about a write request.
 */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  // One message per field, for the first rule it breaks: clearer, and a malformed request costs less.
  stopAtFirstError: true,
  // Never echo submitted values (passwords, tokens) back in validation errors.
  validationError: { target: false, value: false },
  // Field names cut short and the messages counted: unknown keys of any size come back small.
  exceptionFactory: validationFailure,
});
