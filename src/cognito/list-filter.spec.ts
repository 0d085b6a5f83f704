import { listFilter } from './list-filter';

describe('listFilter', () => {
  it('builds one ListUsers filter per query', () => {
    expect(listFilter({})).toBeUndefined();
    expect(listFilter({ email: 'ada@example.test' })).toBe('email = "ada@example.test"');
    expect(listFilter({ emailPrefix: 'ada@' })).toBe('email ^= "ada@"');
    expect(listFilter({ invited: true })).toBe('cognito:user_status = "FORCE_CHANGE_PASSWORD"');
    expect(listFilter({ enabled: false })).toBe('status = "Disabled"');
  });

  it('escapes quotes and backslashes, and refuses a filter over 256 characters', () => {
    expect(listFilter({ emailPrefix: 'a"b\\c' })).toBe('email ^= "a\\"b\\\\c"');
    expect(listFilter({ email: 'a"b\\c' })).toBe('email = "a\\"b\\\\c"');
    expect(() => listFilter({ emailPrefix: 'a'.repeat(250) })).toThrow(RangeError);
  });
});
