import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_NAME, findTemplatesDir, MailRenderer } from './mail-renderer';
import { hrefs } from './hrefs.fixture';
import { MAIL_TEMPLATES, MailContexts, MailTemplate } from './mail.types';

const LINK = 'https://app.example.com/activate?u=a&t=b';
const CONTEXTS: { [T in MailTemplate]: MailContexts[T] } = {
  activation: { activationUrl: LINK },
  'account-exists': {},
  'email-change': { confirmUrl: LINK },
  'email-changed': { newEmail: 'new.address@example.com', restoreUrl: LINK, restoreDays: '7' },
  'email-taken': {},
  'password-reset': { resetUrl: LINK, expiresInMinutes: '60' },
  'password-changed': {},
  'sessions-ended': {},
  'mfa-enabled': {},
  'mfa-disabled': {},
  'email-restored': {},
  'account-deleted': {},
};
const TEMPLATES = Object.keys(MAIL_TEMPLATES) as MailTemplate[];

describe('MailRenderer', () => {
  const templatesDir = findTemplatesDir();
  const renderer = new MailRenderer(templatesDir);

  it('finds the English and German templates', () => {
    expect(renderer.availableLocales).toEqual(['de', 'en']);
  });

  describe('locale selection', () => {
    it.each([
      ['de', 'de'],
      ['DE', 'de'],
      ['de-AT', 'de'],
      ['de_CH', 'de'],
      ['en-GB', 'en'],
      ['fr', 'en'],
      ['fr-FR', 'en'],
      ['', 'en'],
      [undefined, 'en'],
      ['../de', 'en'],
    ])('%p → %p', (requested, expected) => {
      expect(renderer.resolveLocale(requested)).toBe(expected);
      const mail = renderer.render('activation', requested, CONTEXTS.activation);
      expect(mail.locale).toBe(expected);
      expect(mail.html).toContain(`<html lang="${expected}">`);
    });
  });

  it('puts the activation link verbatim in the text part, with no HTML in it', () => {
    const { text } = renderer.render('activation', 'en', { activationUrl: LINK });

    expect(text).toContain(`Choose a password:\n${LINK}\n`);
    expect(text).toContain('expires in 7 days');
    expect(text).toContain("didn't sign up");
    expect(text).not.toMatch(/<[a-z/!][^>]*>/i);
    expect(text).not.toMatch(/&(amp|#x3D|#x27|quot|lt|gt);/);
  });

  it('renders the German activation mail in German', () => {
    const mail = renderer.render('activation', 'de-AT', { activationUrl: LINK });

    expect(mail.subject).toBe('Schließen Sie Ihre Registrierung ab');
    expect(mail.text).toContain(`Passwort festlegen:\n${LINK}\n`);
    expect(mail.text).toContain('7 Tage');
    expect(mail.html).toContain('<html lang="de">');
    expect(mail.html).toContain(`<title>${mail.subject}</title>`);
    expect(mail.html).toContain('Passwort festlegen');
    expect(hrefs(mail.html)).toEqual([LINK, LINK]);
  });

  it('puts the activation link in the HTML part as both button and copyable link', () => {
    const { html } = renderer.render('activation', 'en', { activationUrl: LINK });

    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
    expect(html).toContain('<title>Finish creating your account</title>');
    expect(html).toContain('<td class="header" style="');
    expect(html).toContain('>Cognito Accounts</td>');
    expect(html).toContain('expires in 7 days');
    expect(hrefs(html)).toEqual([LINK, LINK]);
    expect(html).toContain('>https://app.example.com/activate?u=a&amp;t=b</a>');
  });

  it('escapes the context in the HTML part', () => {
    const { html, text } = renderer.render('email-changed', 'en', {
      newEmail: 'new&<b>shiny</b>@example.com',
    });

    expect(html).toContain('<strong>new&amp;&lt;b&gt;shiny&lt;/b&gt;@example.com</strong>');
    expect(html).not.toContain('<b>');
    expect(text).toContain('was changed to new&<b>shiny</b>@example.com.');
  });

  it('inlines the layout CSS and leaves no style sheet behind', () => {
    const { html } = renderer.render('activation', 'en', { activationUrl: LINK });

    expect(html).not.toContain('<style');
    expect(html).toMatch(/<body style="margin: 0;padding: 0;background-color: #f3f4f6;/);
    expect(html).toMatch(/<a class="button"[^>]*href="[^"]+"[^>]*style="[^"]*background-color: #1d4ed8/);
    expect(html).toMatch(/<p class="hint" style="margin: 0 0 16px;color: #4b5563;font-size: 14px;">/);
  });

  it.each(TEMPLATES)('has a localized subject and text for "%s" in every locale', (template) => {
    const en = renderer.render(template, 'en', CONTEXTS[template]);
    const de = renderer.render(template, 'de', CONTEXTS[template]);

    for (const mail of [en, de]) {
      expect(mail.subject.trim()).not.toBe('');
      expect(mail.text.startsWith(`${APP_NAME}\n\n${mail.subject}\n\n`)).toBe(true);
      expect(mail.text).not.toMatch(/\n{3,}|[ \t]\n/);
      expect(mail.text.endsWith('.\n')).toBe(true);
      expect(mail.html).toContain(`<title>${mail.subject}</title>`);
      expect(mail.html).not.toContain('<style');
    }
    expect(de.subject).not.toBe(en.subject);
    expect(de.text).not.toBe(en.text);
  });

  it('tells the old address which address the account moved to', () => {
    const { text } = renderer.render('email-changed', 'en', { newEmail: 'o’brien+new@example.com' });

    expect(text).toContain('was changed to o’brien+new@example.com.');
    expect(text).toContain('contact our support');
  });

  it('shows the confirmation link and its 24-hour expiry for an email change', () => {
    const { text } = renderer.render('email-change', 'de', { confirmUrl: LINK });

    expect(text).toContain(`E-Mail-Adresse bestätigen:\n${LINK}\n`);
    expect(text).toContain('24 Stunden');
  });

  it('adds the sign-in link to "account-exists" only when one is given', () => {
    const without = renderer.render('account-exists', 'en', {});
    const withLink = renderer.render('account-exists', 'en', {
      signInUrl: 'https://app.example.com/sign-in',
    });

    expect(without.text).toContain('"Forgot password"');
    expect(without.text).not.toContain('Sign in:');
    expect(withLink.text).toContain('Sign in:\nhttps://app.example.com/sign-in\n');
    expect(hrefs(without.html)).toEqual([]);
    expect(hrefs(withLink.html)).toEqual([
      'https://app.example.com/sign-in',
      'https://app.example.com/sign-in',
    ]);
  });

  it('refuses a context without the link the template needs, without echoing the context', () => {
    const wrongContext = { confirmUrl: LINK } as unknown as MailContexts['activation'];
    expect(() => renderer.render('activation', 'en', wrongContext)).toThrow(
      'The "activation" mail needs activationUrl in its context',
    );
    expect(() => renderer.render('email-changed', 'en', { newEmail: '' })).toThrow(/needs newEmail/);
  });

  describe('with templates that are incomplete', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mail-templates-'));
      cpSync(templatesDir, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('fails at construction when a locale lacks a subject', () => {
      writeFileSync(join(dir, 'de', 'subjects.json'), JSON.stringify({ activation: 'Hallo' }));

      expect(() => new MailRenderer(dir)).toThrow(
        /de[/\\]subjects\.json has no subject for "account-exists"/,
      );
    });

    it('fails at construction when a text template is missing', () => {
      rmSync(join(dir, 'en', 'email-change.text.hbs'));

      expect(() => new MailRenderer(dir)).toThrow(/email-change\.text\.hbs/);
    });

    it('fails at construction when an HTML template is missing', () => {
      rmSync(join(dir, 'de', 'email-changed.hbs'));

      expect(() => new MailRenderer(dir)).toThrow(/email-changed\.hbs/);
    });

    it('fails at construction when a template does not parse', () => {
      writeFileSync(join(dir, 'en', 'activation.text.hbs'), '{{#if activationUrl}}unclosed');

      expect(() => new MailRenderer(dir)).toThrow(/Invalid mail template .*activation\.text\.hbs/);
    });

    it.each([join('en', 'activation.hbs'), join('layouts', 'main.hbs'), join('partials', 'button.hbs')])(
      'fails at construction when %s does not parse',
      (file) => {
        writeFileSync(join(dir, file), '{{#if activationUrl}}unclosed');

        expect(() => new MailRenderer(dir)).toThrow(/Invalid mail template /);
      },
    );

    it('fails on a field the context does not have instead of leaving a blank', () => {
      writeFileSync(join(dir, 'en', 'activation.text.hbs'), '{{activationLink}}');

      expect(() => new MailRenderer(dir).render('activation', 'en', CONTEXTS.activation)).toThrow(
        /"activationLink" not defined/,
      );
    });

    it('fails on a field the HTML context does not have instead of leaving a blank', () => {
      writeFileSync(join(dir, 'en', 'activation.hbs'), '<p>{{activationLink}}</p>');

      expect(() => new MailRenderer(dir).render('activation', 'en', CONTEXTS.activation)).toThrow(
        /"activationLink" not defined/,
      );
    });
  });

  describe('findTemplatesDir', () => {
    it('finds the top-level templates/ from src/mail', () => {
      expect(templatesDir).toBe(join(__dirname, '..', '..', 'templates'));
    });

    it('prefers dist/templates next to the compiled code', () => {
      const dist = mkdtempSync(join(tmpdir(), 'dist-'));
      try {
        mkdirSync(join(dist, 'templates', 'layouts'), { recursive: true });
        expect(findTemplatesDir(join(dist, 'mail'))).toBe(join(dist, 'templates'));
      } finally {
        rmSync(dist, { recursive: true, force: true });
      }
    });
  });
});
