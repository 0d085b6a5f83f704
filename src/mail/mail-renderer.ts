import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { MAIL_TEMPLATES, MailTemplate } from './mail.types';

export const APP_NAME = 'Cognito Accounts';
export const DEFAULT_LOCALE = 'en';
/** Layout of the HTML part, relative to the templates folder; the mailer's Handlebars adapter applies it. */
export const HTML_LAYOUT = 'layouts/main';
export const PARTIALS_DIR = 'partials';

const TEXT_LAYOUT = 'layouts/main.text.hbs';
const TEXT_SUFFIX = '.text.hbs';
const SUBJECTS_FILE = 'subjects.json';
const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_TEMPLATES) as MailTemplate[];

export interface RenderedMail {
  /** The locale folder that was used, e.g. `de` for a request in `de-AT`. */
  locale: string;
  subject: string;
  text: string;
  /** Template for the mailer's Handlebars adapter, relative to the templates folder, e.g. `de/activation`. */
  htmlTemplate: string;
  /** What the HTML template and layout see: the caller's context plus `appName`, `lang` and `subject`. */
  htmlContext: Record<string, unknown>;
}

interface LocaleTemplates {
  folder: string;
  subjects: Record<MailTemplate, Handlebars.TemplateDelegate>;
  texts: Record<MailTemplate, Handlebars.TemplateDelegate>;
}

/**
 * `dist/templates` next to the compiled code (nest-cli copies `templates/**` there), else the repo's
 * top-level `templates/` (ts-jest runs the code from `src/`).
 */
export function findTemplatesDir(from: string = __dirname): string {
  const candidates = [join(from, '..', 'templates'), join(from, '..', '..', 'templates')];
  const found = candidates.find((dir) => existsSync(join(dir, 'layouts')));
  if (!found) {
    throw new Error(`Mail templates not found, looked in: ${candidates.join(', ')}`);
  }
  return found;
}

/**
 * Picks the locale, the subject and renders the plain-text part; the HTML part is rendered by the
 * mailer's Handlebars adapter from `htmlTemplate`. Everything is read and compiled once, at
 * construction, so a missing template or subject fails at boot rather than on the first send.
 *
 * The text part uses its own Handlebars instance without HTML escaping, so a link such as
 * `?u=a&t=b` appears verbatim. It registers the `partials/*.text.hbs` variants under the same names
 * as their HTML twins, so a message template calls `{{> button ...}}` in both formats.
 */
export class MailRenderer {
  private readonly handlebars = Handlebars.create();
  private readonly textLayout: Handlebars.TemplateDelegate;
  /** Lower-cased locale tag → templates of that locale folder. */
  private readonly locales = new Map<string, LocaleTemplates>();

  constructor(private readonly templatesDir: string) {
    const partialsDir = join(templatesDir, PARTIALS_DIR);
    for (const file of readdirSync(partialsDir).filter((name) => name.endsWith(TEXT_SUFFIX))) {
      this.handlebars.registerPartial(
        file.slice(0, -TEXT_SUFFIX.length),
        this.read(join(PARTIALS_DIR, file)),
      );
    }
    this.textLayout = this.compile(TEXT_LAYOUT);
    this.read(`${HTML_LAYOUT}.hbs`);

    for (const entry of readdirSync(templatesDir, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(templatesDir, entry.name, SUBJECTS_FILE))) {
        this.locales.set(entry.name.toLowerCase(), this.loadLocale(entry.name));
      }
    }
    if (!this.locales.has(DEFAULT_LOCALE)) {
      throw new Error(`Mail templates in ${templatesDir} lack the default locale "${DEFAULT_LOCALE}"`);
    }
  }

  /** The locale folders found, e.g. `['de', 'en']`. */
  get availableLocales(): string[] {
    return [...this.locales.values()].map(({ folder }) => folder).sort();
  }

  /** Exact locale folder (`de`), else the language of a tag (`de-AT` → `de`), else English. */
  resolveLocale(tag?: string): string {
    const requested = tag?.trim().toLowerCase().replace(/_/g, '-');
    const match = requested && (this.locales.get(requested) ?? this.locales.get(requested.split('-')[0]));
    return (match || this.locales.get(DEFAULT_LOCALE)!).folder;
  }

  render(template: MailTemplate, locale: string | undefined, context: Record<string, unknown>): RenderedMail {
    const missing = MAIL_TEMPLATES[template].filter(
      (key) => typeof context[key] !== 'string' || !context[key],
    );
    if (missing.length > 0) {
      throw new Error(`The "${template}" mail needs ${missing.join(', ')} in its context`);
    }
    const folder = this.resolveLocale(locale);
    const { subjects, texts } = this.locales.get(folder.toLowerCase())!;
    const base = { ...context, appName: APP_NAME, lang: folder };
    const subject = subjects[template](base);
    const htmlContext = { ...base, subject };
    const body = texts[template](htmlContext);
    return {
      locale: folder,
      subject,
      text: tidy(this.textLayout({ ...htmlContext, body })),
      htmlTemplate: `${folder}/${template}`,
      htmlContext,
    };
  }

  private loadLocale(folder: string): LocaleTemplates {
    const subjectsFile = join(folder, SUBJECTS_FILE);
    const subjects = JSON.parse(this.read(subjectsFile)) as Record<string, unknown>;
    const locale = { folder, subjects: {}, texts: {} } as LocaleTemplates;
    for (const name of MAIL_TEMPLATE_NAMES) {
      const subject = subjects[name];
      if (typeof subject !== 'string' || subject.trim() === '') {
        throw new Error(`${join(this.templatesDir, subjectsFile)} has no subject for "${name}"`);
      }
      this.read(join(folder, `${name}.hbs`));
      locale.subjects[name] = this.compileSource(subject, subjectsFile);
      locale.texts[name] = this.compile(join(folder, `${name}${TEXT_SUFFIX}`));
    }
    return locale;
  }

  private compile(file: string): Handlebars.TemplateDelegate {
    return this.compileSource(this.read(file), file);
  }

  /** Strict: a field the context lacks is an error, not an empty string in a customer's inbox. */
  private compileSource(source: string, file: string): Handlebars.TemplateDelegate {
    try {
      this.handlebars.parse(source);
    } catch (error) {
      throw new Error(`Invalid mail template ${join(this.templatesDir, file)}`, { cause: error });
    }
    return this.handlebars.compile(source, { noEscape: true, strict: true });
  }

  private read(file: string): string {
    return readFileSync(join(this.templatesDir, file), 'utf8');
  }
}

/** Template indentation and optional blocks leave stray blanks; keep at most one empty line between paragraphs. */
function tidy(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/^\n+|\n+$/g, '')
    .replace(/\n{3,}/g, '\n\n')}\n`;
}
