import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inline } from '@css-inline/css-inline';
import Handlebars from 'handlebars';
import { MAIL_TEMPLATES, MailContexts, MailTemplate } from './mail.types';

export const APP_NAME = 'Cognito Accounts';
export const DEFAULT_LOCALE = 'en';

const HTML_LAYOUT = 'layouts/main.hbs';
const TEXT_LAYOUT = 'layouts/main.text.hbs';
const PARTIALS_DIR = 'partials';
const HTML_SUFFIX = '.hbs';
const TEXT_SUFFIX = '.text.hbs';
const SUBJECTS_FILE = 'subjects.json';
const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_TEMPLATES) as MailTemplate[];

export interface RenderedMail {
  /** The locale folder that was used, e.g. `de` for a request in `de-AT`. */
  locale: string;
  subject: string;
  /** The whole HTML document, with the layout's CSS inlined into `style` attributes. */
  html: string;
  text: string;
}

type Template = Handlebars.TemplateDelegate;

interface LocaleTemplates {
  folder: string;
  subjects: Record<MailTemplate, Template>;
  htmls: Record<MailTemplate, Template>;
  texts: Record<MailTemplate, Template>;
}

/**
 * `templates/` beside the bundle (dist/bundle, where `__dirname` is the bundle's own folder), else
 * `dist/templates` next to the compiled code (nest-cli copies `templates/**` there), else the repo's
 * top-level `templates/` (ts-jest runs the code from `src/`).
 */
export function findTemplatesDir(from: string = __dirname): string {
  const candidates = [
    join(from, 'templates'),
    join(from, '..', 'templates'),
    join(from, '..', '..', 'templates'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'layouts')));
  if (!found) {
    throw new Error(`Mail templates not found, looked in: ${candidates.join(', ')}`);
  }
  return found;
}

/**
 * Renders a whole message in the recipient's locale: subject, HTML part and plain-text part. Every
 * template is read and compiled once, at construction, so a missing template or subject fails at boot
 * rather than on the first send.
 *
 * Two Handlebars instances, one per format. The HTML one escapes and wraps the message in
 * `layouts/main.hbs`, whose style sheet is then inlined into `style` attributes, since many mail
 * clients drop `<style>`. The text one does not escape, so a link such as `?u=a&t=b` appears
 * verbatim, and wraps the message in `layouts/main.text.hbs`. Each registers its own variant of
 * every partial under the same name (`button.hbs`, `button.text.hbs` → `button`), so a message
 * template calls `{{> button ...}}` in both formats.
 */
export class MailRenderer {
  private readonly html = Handlebars.create();
  private readonly text = Handlebars.create();
  private readonly htmlLayout: Template;
  private readonly textLayout: Template;
  /** Lower-cased locale tag → templates of that locale folder. */
  private readonly locales = new Map<string, LocaleTemplates>();

  constructor(private readonly templatesDir: string) {
    for (const file of readdirSync(join(templatesDir, PARTIALS_DIR)).sort()) {
      const path = join(PARTIALS_DIR, file);
      if (file.endsWith(TEXT_SUFFIX)) {
        this.text.registerPartial(file.slice(0, -TEXT_SUFFIX.length), this.parsed(path));
      } else if (file.endsWith(HTML_SUFFIX)) {
        this.html.registerPartial(file.slice(0, -HTML_SUFFIX.length), this.parsed(path));
      }
    }
    this.htmlLayout = this.compileHtml(HTML_LAYOUT);
    this.textLayout = this.compileText(TEXT_LAYOUT);

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

  render<T extends MailTemplate>(
    template: T,
    locale: string | undefined,
    context: MailContexts[T],
  ): RenderedMail {
    const fields = context as Record<string, unknown>;
    const missing = MAIL_TEMPLATES[template].filter(
      (key: string) => typeof fields[key] !== 'string' || !fields[key],
    );
    if (missing.length > 0) {
      throw new Error(`The "${template}" mail needs ${missing.join(', ')} in its context`);
    }
    const folder = this.resolveLocale(locale);
    const { subjects, htmls, texts } = this.locales.get(folder.toLowerCase())!;
    const base = { ...fields, appName: APP_NAME, lang: folder };
    const subject = subjects[template](base);
    const data = { ...base, subject };
    return {
      locale: folder,
      subject,
      html: inline(this.htmlLayout({ ...data, body: htmls[template](data) })),
      text: tidy(this.textLayout({ ...data, body: texts[template](data) })),
    };
  }

  private loadLocale(folder: string): LocaleTemplates {
    const subjectsFile = join(folder, SUBJECTS_FILE);
    const subjects = JSON.parse(this.read(subjectsFile)) as Record<string, unknown>;
    const locale = { folder, subjects: {}, htmls: {}, texts: {} } as LocaleTemplates;
    for (const name of MAIL_TEMPLATE_NAMES) {
      const subject = subjects[name];
      if (typeof subject !== 'string' || subject.trim() === '') {
        throw new Error(`${join(this.templatesDir, subjectsFile)} has no subject for "${name}"`);
      }
      // The subject is plain text: it is escaped where the HTML layout prints it (`<title>`).
      locale.subjects[name] = this.text.compile(this.parsed(subjectsFile, subject), {
        noEscape: true,
        strict: true,
      });
      locale.htmls[name] = this.compileHtml(join(folder, `${name}${HTML_SUFFIX}`));
      locale.texts[name] = this.compileText(join(folder, `${name}${TEXT_SUFFIX}`));
    }
    return locale;
  }

  /** Strict: a field the context lacks is an error, not an empty string in a customer's inbox. */
  private compileHtml(file: string): Template {
    return this.html.compile(this.parsed(file), { strict: true });
  }

  private compileText(file: string): Template {
    return this.text.compile(this.parsed(file), { noEscape: true, strict: true });
  }

  /** The source of a template, once Handlebars has parsed it: compile() alone defers that to the first render. */
  private parsed(file: string, source = this.read(file)): string {
    try {
      Handlebars.parse(source);
    } catch (error) {
      throw new Error(`Invalid mail template ${join(this.templatesDir, file)}`, { cause: error });
    }
    return source;
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
