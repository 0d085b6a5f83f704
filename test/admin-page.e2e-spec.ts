import { randomUUID } from 'node:crypto';
import { adminPageSuite } from './support/admin-page';
import { bannerRow, expectText, linkMailedTo, screenshot } from './support/browser';
import { forgeJwt } from './support/forge';
import { decodeJwt } from './support/jwt';

/*
 * The admin page as an operator uses it: `npm start` (the embedded stack, which makes one admin and
 * names it in its banner), then Chromium through /demo/admin.html: the accounts, invitations, disable,
 * enable, delete, and a sign-in grown too old. The report and its repairs: admin-report-page.e2e-spec.ts.
 * Screenshots land in test/artifacts/screenshots/; `npm run screenshots` refreshes
 * docs/screenshots/admin-*.png (docs/admin.md).
 */

const PASSWORD = 'Correct-Horse-9-Battery';
const INVITATION_DE = 'Schließen Sie Ihre Registrierung ab';
const FORBIDDEN =
  'This page is for administrators only, and this account is not in the admin group. Sign in with an admin account.';
const REAUTHENTICATE =
  'Admin actions need a recent sign-in, and yours is too old. Sign in again, then repeat what you were doing.';
const CROWD = Array.from({ length: 12 }, (_, i) => `crowd-${String(i + 1).padStart(2, '0')}@example.org`);

describe('the admin page (npm start, Chromium)', () => {
  const ui = adminPageSuite(async (create) => {
    for (const email of CROWD) await create(randomUUID(), [{ Name: 'email', Value: email }]);
  });
  const invitee = 'grace@example.org';

  it('names the admin page and its account in the banner; the index links to the page', async () => {
    expect(bannerRow(ui.launch, 'Admin page')).toBe(`${ui.banner.api}/demo/admin.html`);
    expect(ui.admin.email).toBe('admin@example.com');
    expect(ui.admin.password.length).toBeGreaterThanOrEqual(12);
    await ui.page.goto(`${ui.banner.api}/demo/`);
    await ui.page.getByRole('link', { name: 'Accounts (admin)' }).click();
    await ui.page.getByLabel('Email or username').waitFor();
    expect(ui.page.url()).toBe(`${ui.banner.api}/demo/admin.html`);
  });

  it('lets the admin in by email, a wrong password first; the list shows the accounts', async () => {
    await ui.signIn(ui.admin.email, 'Not-The-Password-1');
    await expectText(
      ui.status(),
      'The email address, username or password is not right. Try again, or choose "Forgot password?".',
    );
    await ui.page.getByLabel('Password', { exact: true }).fill(ui.admin.password);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(ui.stateOf(ui.admin.email), 'active');
    expect(await ui.page.locator('#status').textContent()).toBe(''); // the stale error is gone
    // The admin's own row offers nothing that would lock the admin out.
    const own = ui.page.locator('#users tbody tr', { hasText: ui.admin.email });
    await expectText(own.locator('td.actions'), 'you');
    expect(await own.locator('td.actions').getByRole('button').count()).toBe(0);
    await screenshot(ui.page, 'admin-01-accounts');
  });

  it('pages through a search by cursor with "More"', async () => {
    await ui.search('crowd-', { perPage: '10' });
    await expectText(ui.page.locator('#users-summary'), '10 account(s) shown; more follow: choose More.');
    await ui.page.getByRole('button', { name: 'More' }).click();
    await expectText(ui.page.locator('#users-summary'), '12 account(s) shown.');
    expect(await ui.page.getByRole('button', { name: 'More' }).isHidden()).toBe(true);
    const shown = await ui.page.locator('#users tbody tr td:first-child').allTextContents();
    expect(shown.sort()).toEqual(CROWD);
  });

  it('invites an address (the mail arrives), refuses it twice, finds it by search and resends', async () => {
    await ui.page.getByLabel('Email address').fill(invitee);
    await ui.page.getByLabel('Language of the mail').selectOption('de');
    await ui.page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await ui.expectStatus(
      /^Invitation sent to grace@example\.org: its link works until .+ UTC\. The account is at the top of the list\.$/,
    );
    await expectText(ui.stateOf(invitee), 'invited');
    const first = await linkMailedTo(ui.banner.inbox, invitee, INVITATION_DE, { page: 'activate.html' });
    expect(first.startsWith(`${ui.banner.api}/demo/activate.html?`)).toBe(true);

    await ui.page.getByLabel('Email address').fill(invitee);
    await ui.page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await expectText(
      ui.status(),
      'An account with this address exists already: search for it below instead of inviting it.',
    );

    await ui.search('GRACE@');
    await expectText(ui.page.locator('#users-summary'), '1 account(s) shown.');
    await expectText(ui.stateOf(invitee), 'invited');
    expect(await ui.page.locator('#status').textContent()).toBe('');
    await ui.row(invitee).getByRole('button', { name: 'Resend invitation' }).click();
    await ui.expectStatus(
      /^A new invitation is on its way to grace@example\.org; its link works until .+ UTC, earlier links no longer work\.$/,
    );
    await screenshot(ui.page, 'admin-02-invited-and-resent');
  });

  it('the invitee activates with the newest link; the first one no longer works', async () => {
    const first = await linkMailedTo(ui.banner.inbox, invitee, INVITATION_DE, { page: 'activate.html' });
    const second = await linkMailedTo(ui.banner.inbox, invitee, INVITATION_DE, {
      count: 2,
      page: 'activate.html',
    });
    expect(second).not.toBe(first);
    await ui.page.goto(second);
    await ui.page.getByLabel('Choose a password').fill(PASSWORD);
    await ui.page.getByRole('button', { name: 'Activate' }).click();
    await expectText(ui.status(), `Your account is active. Sign in with ${invitee} and your new password.`);
    await ui.page.goto(first);
    await ui.page.getByLabel('Choose a password').fill(PASSWORD);
    await ui.page.getByRole('button', { name: 'Activate' }).click();
    await ui
      .status()
      .filter({ hasText: /no longer works/ })
      .waitFor();
  });

  it('refuses someone outside the admin group in plain words', async () => {
    await ui.signIn(invitee, PASSWORD);
    await expectText(ui.status(), FORBIDDEN);
    expect(await ui.page.getByLabel('Email or username').isVisible()).toBe(true);
    expect(await ui.page.locator('#admin').isHidden()).toBe(true);
    await screenshot(ui.page, 'admin-03-not-an-admin');
  });

  it('disables an account (its user cannot sign in) and enables it again', async () => {
    await ui.signIn(ui.admin.email, ui.admin.password);
    await ui.search(invitee);
    await expectText(ui.stateOf(invitee), 'active');
    await ui.row(invitee).getByRole('button', { name: 'Disable' }).click();
    await expectText(
      ui.status(),
      `${invitee} is disabled: it cannot sign in, and every session of it ended.`,
    );
    await expectText(ui.stateOf(invitee), 'disabled');
    await screenshot(ui.page, 'admin-04-disabled');

    const adminPage = ui.page;
    ui.page = await (await ui.browser.newContext()).newPage();
    await ui.page.goto(`${ui.banner.api}/demo/account.html`);
    await ui.page.getByLabel('Email or username').fill(invitee);
    await ui.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(
      ui.status(),
      'The email address, username or password is not right. Try again, or choose "Forgot password?".',
    );
    const userPage = ui.page;
    ui.page = adminPage;

    await ui.row(invitee).getByRole('button', { name: 'Enable' }).click();
    await expectText(ui.status(), `${invitee} is enabled again: its user can sign in.`);
    await expectText(ui.stateOf(invitee), 'active');
    await ui.row(invitee).getByRole('button', { name: 'Sign out everywhere' }).click();
    await expectText(
      ui.status(),
      `Every session of ${invitee} ended: its user must sign in again everywhere.`,
    );

    await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the revocation mark
    await userPage.getByRole('button', { name: 'Sign in' }).click();
    await userPage
      .locator('#me-email')
      .and(userPage.getByText(invitee, { exact: true }))
      .waitFor();
    await userPage.context().close();
  });

  it('deletes an account only after the confirmation step', async () => {
    await ui.search('crowd-01@');
    await ui.row(CROWD[0]).getByRole('button', { name: 'Delete' }).click();
    await ui.row(CROWD[0]).getByText(`Really delete ${CROWD[0]}?`).waitFor();
    await screenshot(ui.page, 'admin-05-delete-confirm');
    await ui.row(CROWD[0]).getByRole('button', { name: 'Keep it' }).click();
    await ui.row(CROWD[0]).getByRole('button', { name: 'Delete' }).click();
    await ui.row(CROWD[0]).getByRole('button', { name: 'Yes, delete it for good' }).click();
    await expectText(ui.status(), `${CROWD[0]} is deleted for good.`);
    await expectText(ui.page.locator('#users-summary'), 'No account matches.');
    await ui.search('crowd-01@');
    await expectText(ui.page.locator('#users-summary'), 'No account matches.');
  });

  it('enables an account without a password again without claiming that its user can sign in', async () => {
    await ui.search('crowd-02@'); // made by AdminCreateUser, never activated
    await ui.row(CROWD[1]).getByRole('button', { name: 'Disable' }).click();
    await expectText(ui.stateOf(CROWD[1]), 'disabled');
    await ui.row(CROWD[1]).getByRole('button', { name: 'Enable' }).click();
    await expectText(
      ui.status(),
      `${CROWD[1]} is enabled again. It has no password yet: its user signs in once the invitation is accepted (resend it if its link expired).`,
    );
    await ui.row(CROWD[1]).getByRole('button', { name: 'Resend invitation' }).waitFor();
  });

  it("asks for a fresh sign-in once the admin's is too old", async () => {
    const token = await ui.page.evaluate(() => sessionStorage.getItem('cognito-accounts-demo:admin-token'));
    const old = forgeJwt({ ...decodeJwt(token ?? ''), auth_time: Math.floor(Date.now() / 1000) - 11 * 60 });
    await ui.page.evaluate(
      (value) => sessionStorage.setItem('cognito-accounts-demo:admin-token', value),
      old,
    );
    await ui.page.reload();
    await expectText(ui.status(), REAUTHENTICATE);
    expect(await ui.page.getByLabel('Email or username').isVisible()).toBe(true);
    await ui.page.getByLabel('Email or username').fill(ui.admin.email);
    await ui.page.getByLabel('Password', { exact: true }).fill(ui.admin.password);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(ui.stateOf(ui.admin.email), 'active');
    expect(await ui.page.locator('#status').textContent()).toBe('');
  });
});
