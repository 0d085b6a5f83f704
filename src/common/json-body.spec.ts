import { BadRequestException } from '@nestjs/common';
import { JSON_BODY_LIMITS, parseJsonBody } from './json-body';

const message = (text: string) => {
  try {
    parseJsonBody(text);
  } catch (error) {
    return error instanceof BadRequestException ? error.message : 'not a 400';
  }
  return 'accepted';
};

describe('parseJsonBody', () => {
  it('parses ordinary bodies', () => {
    expect(parseJsonBody('{"email":"a@example.com","locale":"de"}')).toEqual({
      email: 'a@example.com',
      locale: 'de',
    });
    expect(parseJsonBody('null')).toBeNull();
  });

  it('refuses 5000 levels of nesting with a plain message, without overflowing', () => {
    const deep = `{"email":"a@example.com","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(message(deep)).toBe(
      `The request body is nested too deeply (at most ${JSON_BODY_LIMITS.depth} levels)`,
    );
  });

  it('accepts nesting up to the limit', () => {
    const atLimit = `${'['.repeat(JSON_BODY_LIMITS.depth)}${']'.repeat(JSON_BODY_LIMITS.depth)}`;
    expect(message(atLimit)).toBe('accepted');
  });

  it('refuses thousands of keys', () => {
    const keys = Object.fromEntries(Array.from({ length: 9000 }, (_, i) => [`k${i}`, 1]));
    expect(message(JSON.stringify(keys))).toMatch(/too many fields/);
  });

  it('refuses prototype keys and broken JSON', () => {
    expect(message('{"__proto__":{"admin":true}}')).toMatch(/forbidden field/);
    expect(message('{"a":{"constructor":{"prototype":{}}}}')).toMatch(/forbidden field/);
    expect(message('{"email": ')).toBe('The request body is not valid JSON');
  });
});
