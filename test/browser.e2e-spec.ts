import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { answers } from '../tools/child-process';

/*
 * The embedded default as a person uses it: `npm start` with no Cognito configuration, then a real
 * browser (Debian's Chromium) through the inbox, the demo pages and Swagger UI. Screenshots of each
 * step land in test/artifacts/.
 */

const ARTIFACTS = join(__dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PASSWORD = 'Correct-Horse-9-Battery';

interface Banner {
  api: string;
  inbox: string;
  cognito: string;
}

interface Launch {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` in its own process group, as a terminal runs it, without any Cognito configuration. */
function npmStart(): Launch {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('COGNITO_') && name !== 'PORT'),
  );
  const npm = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output += chunk.toString('utf8'));
  npm.stdout?.on('data', keep);
  npm.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  return { npm, output: () => output, exited };
}

/** The banner's URLs, once it is printed. */
async function bannerOf(launch: Launch, timeoutMs: number): Promise<Banner> {
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

/** What Ctrl-C in the terminal does: SIGINT to the whole foreground process group. */
function pressCtrlC(launch: Launch): Promise<number | null> {
  if (launch.npm.exitCode === null && launch.npm.pid) process.kill(-launch.npm.pid, 'SIGINT');
  return launch.exited;
}

/** Waits until the element shows exactly `text`; on timeout, fails showing what it shows instead. */
async function expectText(locator: Locator, text: string): Promise<void> {
  try {
    await locator.and(locator.page().getByText(text, { exact: true })).waitFor();
  } catch {
    expect(await locator.textContent()).toBe(text);
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Opens the newest mail with this subject in the inbox and returns where its button leads. */
async function linkInMail(
  page: Page,
  inbox: string,
  subject: string,
  button: string,
  shot: string,
): Promise<string> {
  await page.goto(inbox);
  await page.getByText(subject).first().click();
  const link = page.frameLocator('iframe[title="Email HTML content"]').getByRole('link', { name: button });
  const href = await link.getAttribute('href');
  await screenshot(page, shot);
  if (!href) throw new Error(`the "${subject}" mail has no "${button}" link`);
  return href;
}

describe('the embedded default in a browser (npm start, Chromium)', () => {
  let launch: Launch;
  let banner: Banner;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    launch = npmStart();
    [banner, browser] = await Promise.all([
      bannerOf(launch, 60_000),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    // A fresh context is a fresh, empty profile.
    page = await (await browser.newContext({ viewport: { width: 1100, height: 720 } })).newPage();
    page.setDefaultTimeout(10_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (launch) await pressCtrlC(launch);
  });

  it('prints one banner with the API, the inbox and the Cognito emulator, all answering', async () => {
    expect(banner.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await answers(`${banner.api}/health`)).toBe(true);
    expect(await answers(`${banner.cognito}/moto-api/data.json`)).toBe(true);
    expect(await answers(`${banner.inbox}/api/email`)).toBe(true);
  });

  it('renders Swagger UI with every route of the OpenAPI document', async () => {
    const document = (await (await fetch(`${banner.api}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );

    await page.goto(`${banner.api}/docs`);
    await page.locator('.opblock').first().waitFor();
    const shown = [];
    for (const summary of await page.locator('.opblock-summary').all()) {
      const method = await summary.locator('.opblock-summary-method').textContent();
      const path = await summary.locator('.opblock-summary-path').getAttribute('data-path');
      shown.push(`${method} ${path}`);
    }
    await screenshot(page, '00-swagger-ui');

    expect(routes.length).toBeGreaterThanOrEqual(8);
    expect(shown.sort()).toEqual(routes.sort());
  });

  it('signs up, activates from the inbox, signs in, changes the email and confirms it', async () => {
    const email = 'ada@example.com';
    const newEmail = 'ada.lovelace@example.org';
    const signup = await fetch(`${banner.api}/accounts/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(signup.status).toBe(202);

    const activation = await linkInMail(
      page,
      banner.inbox,
      'Finish creating your account',
      'Choose a password',
      '01-inbox-activation',
    );
    expect(activation.startsWith(`${banner.api}/demo/activate.html?`)).toBe(true);

    // The inbox shows mail in a sandboxed frame: a person opens the link in a tab of its own.
    await page.goto(activation);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await screenshot(page, '02-activate');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expectText(
      page.getByRole('status'),
      `Your account is active. Sign in with ${email} and your new password.`,
    );
    await screenshot(page, '03-activated');

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.locator('#me-email'), email);
    await screenshot(page, '04-signed-in');

    await page.getByLabel('New email address').fill(newEmail);
    await page.getByRole('button', { name: 'Change email' }).click();
    await expectText(page.locator('#me-pending'), newEmail);
    await expectText(page.locator('#me-email'), email);
    await screenshot(page, '05-change-requested');

    const confirmation = await linkInMail(
      page,
      banner.inbox,
      'Confirm your new email address',
      'Confirm email address',
      '06-inbox-confirmation',
    );
    await page.goto(confirmation);
    await page.getByRole('button', { name: 'Use this address from now on' }).click();
    await expectText(page.getByRole('status'), `Done: your email address is now ${newEmail}.`);
    await screenshot(page, '07-confirmed');

    await page.getByRole('link', { name: 'Go to your account' }).click();
    await expectText(page.locator('#me-email'), newEmail);
    await expectText(page.locator('#me-pending'), 'none');
    await screenshot(page, '08-account');
  }, 60_000);

  it('cancels a pending email change on the account page', async () => {
    await page.getByLabel('New email address').fill('someone.else@example.net');
    await page.getByRole('button', { name: 'Change email' }).click();
    await expectText(page.locator('#me-pending'), 'someone.else@example.net');

    await page.getByRole('button', { name: 'Cancel the pending change' }).click();
    await expectText(page.locator('#me-pending'), 'none');
    await expectText(page.getByRole('status'), 'The pending change is cancelled; its link no longer works.');
  });

  it('stops the API, the inbox and the Cognito emulator on Ctrl-C', async () => {
    await browser.close();
    expect(await pressCtrlC(launch)).toBe(0);

    expect(await answers(`${banner.api}/health`)).toBe(false);
    expect(await answers(`${banner.inbox}/api/email`)).toBe(false);
    expect(await answers(`${banner.cognito}/moto-api/data.json`)).toBe(false);
  }, 20_000);
});
