import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sealToken } from '../src/accounts/link-secret';
import { ACTIVATION_ATTRIBUTE } from '../src/cognito/attributes';
import {
  bannerAdmin,
  bannerOf,
  bannerRow,
  CHROMIUM,
  CHROMIUM_ARGS,
  expectText,
  linkMailedTo,
  npmStart,
  pressCtrlC,
  screenshot,
  SCREENSHOTS,
  type Banner,
  type Launch,
} from './support/browser';
import { forgeJwt } from './support/forge';
import { decodeJwt } from './support/jwt';

/*
 * The admin page as an operator uses it: `npm start` (the embedded stack, which makes one admin and
 * names it in its banner), then Chromium through /demo/admin.html. Screenshots land in
 * docs/screenshots/admin-*.png (docs/admin.md).
 */

const PASSWORD = 'Correct-Horse-9-Battery';
const INVITATION = 'Finish creating your account';
const INVITATION_DE = 'Schließen Sie Ihre Registrierung ab';
const FORBIDDEN =
  'This page is for administrators only, and this account is not in the admin group. Sign in with an admin account.';
const REAUTHENTICATE =
  'Admin actions need a recent sign-in, and yours is too old. Sign in again, then repeat what you were doing.';
const CROWD = Array.from({ length: 12 }, (_, i) => `crowd-${String(i + 1).padStart(2, '0')}@example.org`);

describe('the admin page (npm start, Chromium)', () => {
  let launch: Launch;
  let banner: Banner;
  let browser: Browser;
  let page: Page;
  let admin: { email: string; password: string };
  const status = () => page.getByRole('status');
  const row = (email: string) => page.locator('#users tbody tr').filter({ hasText: email });
  const stateOf = (email: string) => row(email).locator('td').nth(1);
  const invitee = 'grace@example.org';
  const late = 'late@example.org';

  /** Waits until the status line says something matching `pattern`; on timeout shows what it says. */
  const expectStatus = async (pattern: RegExp) => {
    try {
      await status().filter({ hasText: pattern }).waitFor();
    } catch {
      expect(await status().textContent()).toMatch(pattern);
    }
  };

  const signIn = async (identifier: string, password: string) => {
    await page.goto(`${banner.api}/demo/admin.html`);
    await page.locator('#sign-in:visible, #admin:visible').waitFor();
    if (await page.locator('#admin').isVisible()) {
      await page.getByRole('button', { name: 'Sign out here' }).click();
      await expectText(status(), 'Signed out on this device.');
    }
    await page.getByLabel('Email or username').fill(identifier);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  const search = async (email: string, { state = '', perPage = '25' } = {}) => {
    await page.getByLabel('Email starts with').fill(email);
    await page.getByLabel('State').selectOption(state);
    await page.getByLabel('Per page').selectOption(perPage);
    await page.getByRole('button', { name: 'Search' }).click();
  };

  /** Accounts made straight in the emulator, as earlier runs of the service would have left them. */
  async function plantAccounts(): Promise<void> {
    const client = new CognitoIdentityProviderClient({
      endpoint: banner.cognito,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const userPoolId = bannerRow(launch, 'User pool');
    const create = (Username: string, UserAttributes: AttributeType[]) =>
      client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username,
          MessageAction: 'SUPPRESS',
          UserAttributes,
        }),
      );
    try {
      for (const email of CROWD) await create(randomUUID(), [{ Name: 'email', Value: email }]);
      // An invitation whose link expired yesterday.
      const username = randomUUID();
      const expired = sealToken('x'.repeat(43), [username], new Date(Date.now() - 86_400_000));
      await create(username, [
        { Name: 'email', Value: late },
        { Name: ACTIVATION_ATTRIBUTE, Value: expired },
      ]);
    } finally {
      client.destroy();
    }
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    launch = npmStart();
    [banner, browser] = await Promise.all([
      bannerOf(launch, 60_000),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    admin = bannerAdmin(launch);
    await plantAccounts();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    page.setDefaultTimeout(10_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (launch) await pressCtrlC(launch);
  });

  it('names the admin page and its account in the banner; the index links to the page', async () => {
    expect(bannerRow(launch, 'Admin page')).toBe(`${banner.api}/demo/admin.html`);
    expect(admin.email).toBe('admin@example.com');
    expect(admin.password.length).toBeGreaterThanOrEqual(12);
    await page.goto(`${banner.api}/demo/`);
    await page.getByRole('link', { name: 'Accounts (admin)' }).click();
    await page.getByLabel('Email or username').waitFor();
    expect(page.url()).toBe(`${banner.api}/demo/admin.html`);
  });

  it('lets the admin in by email, a wrong password first; the list shows the accounts', async () => {
    await signIn(admin.email, 'Not-The-Password-1');
    await expectText(
      status(),
      'The email address, username or password is not right. Try again, or choose "Forgot password?".',
    );
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(stateOf(admin.email), 'active');
    expect(await page.locator('#status').textContent()).toBe(''); // the stale error is gone
    expect(await row(late).locator('td').nth(1).textContent()).toBe('invitation expired');
    await screenshot(page, 'admin-01-accounts');
  });

  it('pages through a search by cursor with "More"', async () => {
    await search('crowd-', { perPage: '10' });
    await expectText(page.locator('#users-summary'), '10 account(s) shown; more follow: choose More.');
    await page.getByRole('button', { name: 'More' }).click();
    await expectText(page.locator('#users-summary'), '12 account(s) shown.');
    expect(await page.getByRole('button', { name: 'More' }).isHidden()).toBe(true);
    const shown = await page.locator('#users tbody tr td:first-child').allTextContents();
    expect(shown.sort()).toEqual(CROWD);
  });

  it('invites an address (the mail arrives), refuses it twice, finds it by search and resends', async () => {
    await page.getByLabel('Email address').fill(invitee);
    await page.getByLabel('Language of the mail').selectOption('de');
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await expectStatus(
      /^Invitation sent to grace@example\.org: its link works until .+ UTC\. The account is at the top of the list\.$/,
    );
    await expectText(stateOf(invitee), 'invited');
    const first = await linkMailedTo(banner.inbox, invitee, INVITATION_DE, { page: 'activate.html' });
    expect(first.startsWith(`${banner.api}/demo/activate.html?`)).toBe(true);

    await page.getByLabel('Email address').fill(invitee);
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await expectText(
      status(),
      'An account with this address exists already: search for it below instead of inviting it.',
    );

    await search('GRACE@');
    await expectText(page.locator('#users-summary'), '1 account(s) shown.');
    await expectText(stateOf(invitee), 'invited');
    expect(await page.locator('#status').textContent()).toBe('');
    await row(invitee).getByRole('button', { name: 'Resend invitation' }).click();
    await expectStatus(
      /^A new invitation is on its way to grace@example\.org; its link works until .+ UTC, earlier links no longer work\.$/,
    );
    await screenshot(page, 'admin-02-invited-and-resent');
  });

  it('the invitee activates with the newest link; the first one no longer works', async () => {
    const first = await linkMailedTo(banner.inbox, invitee, INVITATION_DE, { page: 'activate.html' });
    const second = await linkMailedTo(banner.inbox, invitee, INVITATION_DE, {
      count: 2,
      page: 'activate.html',
    });
    expect(second).not.toBe(first);
    await page.goto(second);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activate' }).click();
    await expectText(status(), `Your account is active. Sign in with ${invitee} and your new password.`);
    await page.goto(first);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activate' }).click();
    await status()
      .filter({ hasText: /no longer works/ })
      .waitFor();
  });

  it('refuses someone outside the admin group in plain words', async () => {
    await signIn(invitee, PASSWORD);
    await expectText(status(), FORBIDDEN);
    expect(await page.getByLabel('Email or username').isVisible()).toBe(true);
    expect(await page.locator('#admin').isHidden()).toBe(true);
    await screenshot(page, 'admin-03-not-an-admin');
  });

  it('disables an account (its user cannot sign in) and enables it again', async () => {
    await signIn(admin.email, admin.password);
    await search(invitee);
    await expectText(stateOf(invitee), 'active');
    await row(invitee).getByRole('button', { name: 'Disable' }).click();
    await expectText(status(), `${invitee} is disabled: it cannot sign in, and every session of it ended.`);
    await expectText(stateOf(invitee), 'disabled');
    await screenshot(page, 'admin-04-disabled');

    const adminPage = page;
    page = await (await browser.newContext()).newPage();
    await page.goto(`${banner.api}/demo/account.html`);
    await page.getByLabel('Email or username').fill(invitee);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(
      status(),
      'The email address, username or password is not right. Try again, or choose "Forgot password?".',
    );
    const userPage = page;
    page = adminPage;

    await row(invitee).getByRole('button', { name: 'Enable' }).click();
    await expectText(status(), `${invitee} is enabled again: its user can sign in.`);
    await expectText(stateOf(invitee), 'active');
    await row(invitee).getByRole('button', { name: 'Sign out everywhere' }).click();
    await expectText(status(), `Every session of ${invitee} ended: its user must sign in again everywhere.`);

    await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the revocation mark
    await userPage.getByRole('button', { name: 'Sign in' }).click();
    await userPage
      .locator('#me-email')
      .and(userPage.getByText(invitee, { exact: true }))
      .waitFor();
    await userPage.context().close();
  });

  it('deletes an account only after the confirmation step', async () => {
    await search('crowd-01@');
    await row(CROWD[0]).getByRole('button', { name: 'Delete' }).click();
    await row(CROWD[0]).getByText(`Really delete ${CROWD[0]}?`).waitFor();
    await screenshot(page, 'admin-05-delete-confirm');
    await row(CROWD[0]).getByRole('button', { name: 'Keep it' }).click();
    await row(CROWD[0]).getByRole('button', { name: 'Delete' }).click();
    await row(CROWD[0]).getByRole('button', { name: 'Yes, delete it for good' }).click();
    await expectText(status(), `${CROWD[0]} is deleted for good.`);
    await expectText(page.locator('#users-summary'), 'No account matches.');
    await search('crowd-01@');
    await expectText(page.locator('#users-summary'), 'No account matches.');
  });

  it('runs the account-health report and the repair that sends new links, showing what it changed', async () => {
    await page.getByRole('button', { name: 'Run the report' }).click();
    const expired = page.locator('#finding-expiredInvitations');
    await expectText(expired.locator('h3'), 'Invitations whose link expired: 1');
    expect(await expired.locator('li').textContent()).toMatch(/^late@example\.org: expired .+ UTC$/);
    await expectText(
      page.locator('#finding-duplicateEmails h3'),
      'Addresses held by more than one account: 0',
    );
    await screenshot(page, 'admin-06-report');

    await expired.getByRole('button', { name: 'Send new links' }).click();
    await expectText(status(), 'The repair changed 1 account(s). The report below is fresh.');
    await expectText(page.locator('#repair-outcome li'), `${late}: sent a new invitation link`);
    await expectText(expired.locator('h3'), 'Invitations whose link expired: 0');
    const link = await linkMailedTo(banner.inbox, late, INVITATION, { page: 'activate.html' });
    expect(link.startsWith(`${banner.api}/demo/activate.html?`)).toBe(true);
    await screenshot(page, 'admin-07-repaired');

    await search(late);
    await expectText(stateOf(late), 'invited');
  });

  it("asks for a fresh sign-in once the admin's is too old", async () => {
    const token = await page.evaluate(() => sessionStorage.getItem('cognito-accounts-demo:admin-token'));
    const old = forgeJwt({ ...decodeJwt(token ?? ''), auth_time: Math.floor(Date.now() / 1000) - 11 * 60 });
    await page.evaluate((value) => sessionStorage.setItem('cognito-accounts-demo:admin-token', value), old);
    await page.reload();
    await expectText(status(), REAUTHENTICATE);
    expect(await page.getByLabel('Email or username').isVisible()).toBe(true);
    await page.getByLabel('Email or username').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(stateOf(admin.email), 'active');
    expect(await page.locator('#status').textContent()).toBe('');
  });
});
