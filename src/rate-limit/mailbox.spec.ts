import { mailboxKey } from './mailbox';

describe('mailboxKey', () => {
  it('folds case and +tag spellings of one mailbox together', () => {
    const key = 'ann@example.test';
    expect(mailboxKey('ann@example.test')).toBe(key);
    expect(mailboxKey('Ann@Example.TEST')).toBe(key);
    expect(mailboxKey('ann+news@example.test')).toBe(key);
    expect(mailboxKey('ANN+a+b@example.test')).toBe(key);
  });

  it('keeps other mailboxes apart', () => {
    expect(mailboxKey('ann.b@example.test')).not.toBe(mailboxKey('ann@example.test'));
    expect(mailboxKey('ann@other.test')).not.toBe(mailboxKey('ann@example.test'));
    expect(mailboxKey('ann@example.test+x')).toBe('ann@example.test+x');
  });

  it('keeps an address whose local part is only a tag', () => {
    expect(mailboxKey('+tag@example.test')).toBe('+tag@example.test');
  });
});
