import { context, type BuildContext } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import {
  bannerAndChromium,
  closeAll,
  expectText,
  linkInMail,
  npmStart,
  screenshot,
  START_TIMEOUT_MS,
  type Banner,
  type Launch,
} from './support/browser';
import { forgeJwt } from './support/forge';

/*
 * examples/frontend, the page docs/frontend.md builds on the typed client, bundled with esbuild and
 * served from its own origin (so CORS is part of the test), against `npm start` with CORS_ORIGINS set
 * as a developer would set it, in Chromium: sign up, activate from the inbox, sign in, read
 * /accounts/me, and sign in again when the service asks for a recent sign-in. Then what a developer
 * tries by hand next to it: the access token for Swagger's Authorize, and Swagger UI itself.
 */

const PASSWORD = 'Correct-Horse-9-Battery';

describe('the frontend example in a browser (npm start, Chromium)', () => {
  let bundler: BuildContext;
  let origin: string;
  let launch: Launch;
  let banner: Banner;
  let browser: Browser;
  let page: Page;
  let example: string;
  const email = 'grace@example.com';
  const status = () => page.getByRole('status');

  beforeAll(async () => {
    bundler = await context({
      entryPoints: ['examples/frontend/app.ts'],
      bundle: true,
      format: 'esm',
      outdir: 'examples/frontend/dist',
      logLevel: 'silent',
    });
    const served = await bundler.serve({ servedir: 'examples/frontend', host: '127.0.0.1' });
    origin = `http://127.0.0.1:${served.port}`;
    launch = npmStart({ CORS_ORIGINS: origin });
    [banner, browser] = await bannerAndChromium(launch);
    const client = /^\s+Frontend client\s+(\S+)/m.exec(launch.output())?.[1] ?? '';
    const settings = new URLSearchParams({
      api: banner.api,
      cognito: banner.cognito,
      region: 'eu-west-1',
      client,
    });
    example = `${origin}/?${settings.toString()}`;
    page = await (await browser.newContext({ viewport: { width: 900, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await closeAll(browser, launch);
    await bundler?.dispose();
  });

  const signIn = async () => {
    const form = page.locator('#sign-in');
    await form.getByLabel('Email address').fill(email);
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Sign in' }).click();
  };

  it('signs up and activates with the link from the inbox', async () => {
    await page.goto(example);
    await page.locator('#signup').getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expectText(status(), 'Check your inbox, then paste the link from the mail below.');

    const link = await linkInMail(page, banner.inbox, 'Finish creating your account', 'Choose a password');
    await page.goto(example);
    await page.getByLabel('Link from the mail').fill(link);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activate' }).click();
    await expectText(status(), 'Your account is active: sign in.');
  }, 60_000);

  it('signs in with Cognito and reads /accounts/me with the token', async () => {
    await signIn();
    await expectText(page.locator('#me-email'), email);
    await expectText(status(), 'Signed in.');
    await screenshot(page, 'frontend-example-signed-in');
  });

  it('asks for a new sign-in when the service wants a recent one, and then the change goes through', async () => {
    // The tab holds the token of a sign-in an hour old (RECENT_AUTH_MAX_AGE_MINUTES is 10): the same
    // claims, signed with the emulator's key, as a person who signed in an hour ago would hold.
    const token = await page.evaluate(() => sessionStorage.getItem('example.accessToken') ?? '');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
      string,
      number
    >;
    const old = forgeJwt({ ...claims, auth_time: claims.auth_time - 3600 });
    await page.evaluate((value) => sessionStorage.setItem('example.accessToken', value), old);

    const change = page.locator('#change-email');
    await change.getByLabel('New email address').fill('grace.hopper@example.org');
    await change.getByRole('button', { name: 'Change email' }).click();
    await expectText(status(), 'For your safety, sign in again, then repeat what you were doing.');

    await signIn();
    await expectText(status(), 'Signed in.');
    await change.getByRole('button', { name: 'Change email' }).click();
    await expectText(status(), 'Check the new address for a confirmation link.');
  });

  it("copies the access token on the demo account page, for Swagger's Authorize", async () => {
    const demo = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const account = await demo.newPage();
    await account.goto(`${banner.api}/demo/account.html`);
    await account.getByLabel('Email or username').fill(email);
    await account.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await account.getByRole('button', { name: 'Sign in' }).click();
    await account.getByRole('button', { name: 'Copy access token' }).click();
    await expectText(
      account.getByRole('status'),
      "Access token copied: paste it into Swagger's Authorize (/docs). It is valid for an hour.",
    );
    const token = await account.evaluate<string>('navigator.clipboard.readText()');
    const me = await fetch(`${banner.api}/accounts/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { email: string }).email).toBe(email);
    await demo.close();
  });

  it('renders Swagger UI with every route and webhook of the OpenAPI document', async () => {
    const document = (await (await fetch(`${banner.api}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      webhooks: Record<string, Record<string, unknown>>;
    };
    // Swagger UI lists a webhook as an operation whose path is the event's name.
    const routes = [...Object.entries(document.paths), ...Object.entries(document.webhooks)].flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const docs = await browser.newPage();
    await docs.goto(`${banner.api}/docs`);
    await docs.locator('.opblock').first().waitFor();
    const shown = [];
    for (const summary of await docs.locator('.opblock-summary').all()) {
      const method = await summary.locator('.opblock-summary-method').textContent();
      const path = await summary.locator('.opblock-summary-path').getAttribute('data-path');
      shown.push(`${method} ${path}`);
    }
    expect(routes.length).toBeGreaterThanOrEqual(13);
    expect(shown.sort()).toEqual(routes.sort());
    await docs.close();
  });
});
