import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

/**
 * Where the browser tests save their screenshots: test/artifacts/screenshots (git-ignored), so that
 * `npm test` leaves the tree as it was; `npm run screenshots` points SCREENSHOTS_DIR at
 * docs/screenshots to refresh the ones the docs show.
 */
export const SCREENSHOTS = resolve(
  __dirname,
  '..',
  '..',
  process.env.SCREENSHOTS_DIR ?? join('test', 'artifacts', 'screenshots'),
);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Banner {
  api: string;
  inbox: string;
  cognito: string;
}

export interface Launch {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `npm start` in its own process group, as a terminal runs it, without any Cognito configuration;
 * `extraEnv` as a developer would export it first (e.g. CORS_ORIGINS).
 */
export function npmStart(extraEnv: Record<string, string> = {}): Launch {
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('COGNITO_') && name !== 'PORT'),
    ),
    ...extraEnv,
  };
  const npm = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output += chunk.toString('utf8'));
  npm.stdout?.on('data', keep);
  npm.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  return { npm, output: () => output, exited };
}

/** How long `npm start` (a build, then moto, maildev and the service) may take on a busy machine. */
export const START_TIMEOUT_MS = 150_000;

/** The banner's URLs, once it is printed. */
export async function bannerOf(launch: Launch, timeoutMs: number): Promise<Banner> {
  const url = (label: string) =>
    new RegExp(`^\\s+${label}\\s+(http\\S+)`, 'm').exec(launch.output())?.[1] ?? '';
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void launch.exited.then(() => (gone = true));
  while (!launch.output().includes('Ctrl-C stops everything')) {
    if (gone || Date.now() > deadline) throw new Error(`npm start printed no banner:\n${launch.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { api: url('API'), inbox: url('Inbox'), cognito: url('Cognito \\(moto\\)') };
}

/** The banner of `launch` and a Chromium, started side by side (both take seconds). */
export function bannerAndChromium(launch: Launch): Promise<[Banner, Browser]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return Promise.all([
    bannerOf(launch, START_TIMEOUT_MS),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
}

/** After the suite: the browser closes, then Ctrl-C stops `npm start` (each if it got so far). */
export async function closeAll(browser: Browser | undefined, launch: Launch | undefined): Promise<void> {
  await browser?.close();
  if (launch) await pressCtrlC(launch);
}

/** What Ctrl-C in the terminal does: SIGINT to the whole foreground process group. */
export function pressCtrlC(launch: Launch): Promise<number | null> {
  if (launch.npm.exitCode === null && launch.npm.pid) process.kill(-launch.npm.pid, 'SIGINT');
  return launch.exited;
}

/** Waits until the element shows exactly `text`; on timeout, fails showing what it shows instead. */
export async function expectText(locator: Locator, text: string): Promise<void> {
  try {
    await locator.and(locator.page().getByText(text, { exact: true })).waitFor();
  } catch {
    expect(await locator.textContent()).toBe(text);
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Opens the inbox on `page` and, in it, the newest mail with this subject; resolves with the mail's frame. */
async function openMail(page: Page, inbox: string, subject: string): Promise<FrameLocator> {
  await waitForNewMail(inbox, subject);
  await page.goto(inbox);
  await page.getByRole('button', { name: subject }).first().click();
  return page.frameLocator('iframe[title="Mail content"]');
}

/**
 * Opens the newest mail with this subject in the inbox and returns its button's link, checking that
 * the button opens a new tab.
 */
export async function linkInMail(
  page: Page,
  inbox: string,
  subject: string,
  button: string,
  shot?: string,
): Promise<string> {
  const link = (await openMail(page, inbox, subject)).getByRole('link', { name: button });
  const href = await link.getAttribute('href');
  expect(await link.getAttribute('target')).toBe('_blank');
  if (shot) await screenshot(page, shot);
  if (!href) throw new Error(`the "${subject}" mail has no "${button}" link`);
  return href;
}

/**
 * What a person does: opens the inbox, the newest mail with this subject, and clicks its button
 * (a plain click). Resolves with the tab the button opened, loaded.
 */
export async function clickInMail(
  page: Page,
  inbox: string,
  subject: string,
  button: string,
  shot?: string,
): Promise<Page> {
  const mail = await openMail(page, inbox, subject);
  await mail.getByRole('link', { name: button }).waitFor();
  if (shot) await screenshot(page, shot);
  const [opened] = await Promise.all([
    page.context().waitForEvent('page'),
    mail.getByRole('link', { name: button }).click(),
  ]);
  await opened.waitForLoadState();
  return opened;
}

/** Mails seen so far per subject: each linkInMail waits for one more than the last time. */
const seen = new Map<string, number>();

/** Waits (through the inbox's REST API) until one more mail with this subject has arrived. */
async function waitForNewMail(inbox: string, subject: string, timeoutMs = 15_000): Promise<void> {
  const wanted = (seen.get(subject) ?? 0) + 1;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = (await (await fetch(`${inbox}/api/email`)).json()) as { subject: string }[];
    const count = mails.filter((mail) => mail.subject === subject).length;
    if (count >= wanted) {
      seen.set(subject, count);
      return;
    }
    if (Date.now() > deadline) throw new Error(`no new "${subject}" mail after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The link with its token cut short, as a mail client that breaks long lines leaves it. */
export const cutOff = (link: string): string => link.slice(0, -20);

/** A value from the banner's table (`User pool`, `Frontend client`, …), once the banner is printed. */
export function bannerRow(launch: Launch, label: string): string {
  return new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(launch.output())?.[1] ?? '';
}

/** The admin account the embedded stack made, as its banner names it. */
export function bannerAdmin(launch: Launch): { email: string; password: string } {
  const [, email = '', password = ''] = /takes (\S+) with the password (\S+)/.exec(launch.output()) ?? [];
  return { email, password };
}

interface InboxMail {
  subject: string;
  to: { address: string }[];
  html: string;
}

/**
 * Waits (through the inbox's REST API) until `count` mails with this subject have reached `address`,
 * and returns the button's link (the `href` to `page`) of the `count`-th, in the order they arrived.
 */
export async function linkMailedTo(
  inbox: string,
  address: string,
  subject: string,
  { count = 1, page = '', timeoutMs = 15_000 }: { count?: number; page?: string; timeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = ((await (await fetch(`${inbox}/api/email`)).json()) as InboxMail[]).filter(
      (mail) => mail.subject === subject && mail.to.some((to) => to.address === address),
    );
    if (mails.length >= count) {
      const href = new RegExp(`href="([^"]*${page}[^"]*)"`).exec(mails[count - 1]?.html ?? '')?.[1];
      if (!href) throw new Error(`the "${subject}" mail to ${address} has no link to ${page}`);
      return href.replaceAll('&amp;', '&');
    }
    if (Date.now() > deadline)
      throw new Error(
        `${mails.length} "${subject}" mail(s) to ${address} after ${timeoutMs} ms, not ${count}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
