/**
 * Every message the service sends, with the context keys its templates need. Each locale folder
 * under `templates/` holds `<name>.hbs` (HTML), `<name>.text.hbs` (plain text) and a subject for it.
 */
export const MAIL_TEMPLATES = {
  activation: ['activationUrl'],
  'account-exists': [],
  'email-change': ['confirmUrl'],
  'email-changed': ['newEmail'],
} as const satisfies Record<string, readonly string[]>;

export type MailTemplate = keyof typeof MAIL_TEMPLATES;

export interface MailMessage {
  to: string;
  template: MailTemplate;
  /** A BCP 47 tag such as `de` or `de-AT`; unknown or missing locales fall back to English. */
  locale?: string;
  context: Record<string, unknown>;
}
