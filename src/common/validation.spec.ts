import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  EMAIL_MAX_LENGTH,
  FIELD_NAME_MAX,
  IsNormalizedEmail,
  MESSAGES_MAX,
  validationFailure,
} from './validation';

class EmailDto {
  @IsNormalizedEmail()
  email: string;
}

const errorsFor = async (email: string) =>
  (await validate(plainToInstance(EmailDto, { email }))).flatMap((e) => Object.entries(e.constraints ?? {}));

/** A valid address of `length` characters (64-character local part, 63-character labels). */
const addressOf = (length: number, local = 'a'.repeat(64)) =>
  `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(length - local.length - 1 - 128 - 5)}.test`;

describe('IsNormalizedEmail', () => {
  it('accepts the longest address whose ListUsers filter fits in 256 characters', async () => {
    expect(EMAIL_MAX_LENGTH).toBe(256 - 'email = ""'.length);
    const email = addressOf(EMAIL_MAX_LENGTH);
    expect(email).toHaveLength(246);
    expect(`email = "${email}"`).toHaveLength(256);
    expect(await errorsFor(email)).toEqual([]);
  });

  it('refuses one character more, and says what the limit is', async () => {
    const errors = await errorsFor(addressOf(EMAIL_MAX_LENGTH + 1));
    expect(errors).toContainEqual(['maxLength', 'email must be at most 246 characters']);
  });

  it.each([
    '"alice"@example.com',
    '"<img/src=x/onerror=alert(1)>"@example.com',
    '"a b"@example.com',
    'a..b@example.com',
    '.a@example.com',
  ])('refuses %s: only unquoted dot-atom local parts', async (email) => {
    const errors = await errorsFor(email);
    expect(errors).toContainEqual([
      'unquotedAddress',
      'email must be a plain address like name@example.com, without quotes',
    ]);
  });

  it.each(["o'brien@example.com", 'a.b+tag@example.com', 'x_y-z{1}|~@example.com'])(
    'accepts %s (RFC 5322 atext)',
    async (email) => {
      expect(await errorsFor(email)).toEqual([]);
    },
  );
});

class TwoFields {
  @IsNormalizedEmail()
  email: string;
}

describe('validationFailure', () => {
  const messagesFor = async (body: object) => {
    const errors = await validate(plainToInstance(TwoFields, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    return (validationFailure(errors).getResponse() as { message: string[] }).message;
  };

  it('cuts an unknown field name to a short prefix', async () => {
    const [message] = await messagesFor({ email: 'a@example.com', ['k'.repeat(99_000)]: 1 });
    expect(message).toBe(`property ${'k'.repeat(FIELD_NAME_MAX)}… should not exist`);
  });

  it('shows ten messages and counts the rest', async () => {
    const body = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`extra${i}`, i]));
    const messages = await messagesFor({ email: 'a@example.com', ...body });
    expect(messages).toHaveLength(MESSAGES_MAX + 1);
    expect(messages.at(-1)).toBe('and 15 more');
  });

  it('keeps the usual messages of known fields as they are', async () => {
    expect(await messagesFor({ email: 'nope' })).toContain('email must be an email');
  });

  it('is Nest’s own 400, built without a stack trace, and leaves other errors’ traces alone', async () => {
    const errors = await validate(plainToInstance(TwoFields, { email: 'nope' }));
    const limit = Error.stackTraceLimit;
    const exception = validationFailure(errors);
    expect(exception).toBeInstanceOf(BadRequestException);
    expect(exception.getStatus()).toBe(400);
    expect(exception.getResponse()).toMatchObject({ error: 'Bad Request', statusCode: 400 });
    expect((exception.getResponse() as { message: string[] }).message).toContain('email must be an email');
    expect(exception.stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('other').stack).toMatch(/\n\s+at /);
  });
});
