import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { EMAIL_MAX_LENGTH, IsNormalizedEmail } from './validation';

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

  it('counts the characters the filter escapes twice', async () => {
    const quoted = addressOf(EMAIL_MAX_LENGTH, `"${'a'.repeat(60)}\\"`);
    expect(quoted).toHaveLength(246);
    const errors = await errorsFor(quoted);
    expect(errors.map(([name]) => name)).toContain('fitsUserFilter');
    expect(errors.map(([name]) => name)).not.toContain('maxLength');
  });
});
