/**
 * Every message the service sends, with the context its templates see. Each locale folder under
 * `templates/` holds `<name>.hbs` (HTML), `<name>.text.hbs` (plain text) and a subject for it.
 */
export interface MailContexts {
  activation: { activationUrl: string };
  /** The sign-in button appears only when a link is given. */
  'account-exists': { signInUrl?: string };
  'email-change': { confirmUrl: string };
  /** To the old address; the "this wasn't me" button appears only when a restore link is given. */
  'email-changed': { newEmail: string; restoreUrl?: string; restoreDays?: string };
  'password-reset': { resetUrl: string; expiresInMinutes: string };
  'password-changed': Record<string, never>;
  'sessions-ended': Record<string, never>;
  'mfa-enabled': Record<string, never>;
  'mfa-disabled': Record<string, never>;
  'account-deleted': Record<string, never>;
  /** To an address's owner when another account asked to move to it: no link, nothing changed. */
  'email-taken': Record<string, never>;
  /** To the address a "this wasn't me" restore moved the account away from: no link, no address. */
  'email-restored': Record<string, never>;
}

export type MailTemplate = keyof MailContexts;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * The context keys each template cannot do without, checked again at run time: the types keep a
 * key from being forgotten, not from being an empty string.
 */
export const MAIL_TEMPLATES = {
  activation: ['activationUrl'],
  'account-exists': [],
  'email-change': ['confirmUrl'],
  'email-changed': ['newEmail'],
  'password-reset': ['resetUrl', 'expiresInMinutes'],
  'password-changed': [],
  'sessions-ended': [],
  'mfa-enabled': [],
  'mfa-disabled': [],
  'account-deleted': [],
  'email-taken': [],
  'email-restored': [],
} as const satisfies { [T in MailTemplate]: readonly RequiredKeys<MailContexts[T]>[] };

export interface MailMessage<T extends MailTemplate = MailTemplate> {
  to: string;
  template: T;
  /** A BCP 47 tag such as `de` or `de-AT`; unknown or missing locales fall back to English. */
  locale?: string;
  context: MailContexts[T];
}
