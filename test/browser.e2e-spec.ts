import type { Browser, Page } from 'playwright-core';
import { answers } from '../tools/child-process';
import {
  bannerAndChromium,
  clickInMail,
  closeAll,
  cutOff,
  expectText,
  linkInMail,
  linkMailedTo,
  npmStart,
  pressCtrlC,
  screenshot,
  START_TIMEOUT_MS,
  type Banner,
  type Launch,
} from './support/browser';

/*
 * The embedded default as a person uses it: `npm start` with no Cognito configuration, then a real
 * browser (Debian's Chromium) through the demo pages and the inbox (its buttons clicked as a person
 * clicks them), every self-service step with its unhappy paths. Swagger UI:
 * frontend-example.e2e-spec.ts. Screenshots land in test/artifacts/screenshots/;
 * `npm run screenshots` refreshes docs/screenshots/ (docs/self-service.md).
 */

const PASSWORD = 'Correct-Horse-9-Battery';
const SECOND_PASSWORD = 'Another-Horse-7-Staple';
const THIRD_PASSWORD = 'Third-Horse-5-Battery';
const RULES =
  'This password is too weak. Choose one of at least 12 characters, with an upper-case letter, ' +
  'a lower-case letter, a digit and a symbol such as - _ ! or ?.';
const INCOMPLETE =
  'This link is incomplete. Open the whole link from the mail: if your mail app split it over two lines, ' +
  'copy all of it into the address bar.';

describe('the embedded default in a browser (npm start, Chromium)', () => {
  let launch: Launch;
  let banner: Banner;
  let browser: Browser;
  let page: Page;
  const status = () => page.getByRole('status');
  const email = 'ada@example.com';
  const newEmail = 'ada.lovelace@example.org';

  beforeAll(async () => {
    launch = npmStart();
    [banner, browser] = await bannerAndChromium(launch);
    // A fresh context is a fresh, empty profile.
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    context.setDefaultTimeout(10_000); // also for the tabs the mails' buttons open
    page = await context.newPage();
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await closeAll(browser, launch);
  });

  const signIn = async (identifier: string, password: string) => {
    await page.goto(`${banner.api}/demo/account.html`);
    await page.getByLabel('Email or username').fill(identifier);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('prints one banner whose addresses all answer; / leads to the pages', async () => {
    expect(banner.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await answers(`${banner.api}/health`)).toBe(true);
    expect(await answers(`${banner.cognito}/moto-api/data.json`)).toBe(true);
    expect(await answers(`${banner.inbox}/api/email`)).toBe(true);
    await page.goto(banner.api);
    expect(page.url()).toBe(`${banner.api}/demo/`);
    await page.getByRole('link', { name: 'Create an account' }).waitFor();
    await screenshot(page, '00-index');
  });

  it('signs up on its page and activates from the inbox with a click, past a cut-off link and a weak password', async () => {
    await page.goto(`${banner.api}/demo/signup.html`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expectText(
      status(),
      `Check your inbox at ${email}: a mail is on its way. Open its link to choose your password. ` +
        'Nothing after a few minutes? Look in the spam folder, or send it again.',
    );
    await screenshot(page, '01-signup');
    await status().getByRole('button', { name: 'send it again' }).click();
    await expectText(
      status(),
      `Sent again: another mail is on its way to ${email}. Its link works as well as the first one's.`,
    );

    // A plain click on the mail's button, as a person does: the page opens in a new tab.
    const inbox = page;
    page = await clickInMail(
      inbox,
      banner.inbox,
      'Finish creating your account',
      'Choose a password',
      '02-inbox-activation',
    );
    await inbox.close();
    const activation = page.url();
    expect(activation.startsWith(`${banner.api}/demo/activate.html?`)).toBe(true);

    await page.goto(cutOff(activation));
    await expectText(status(), INCOMPLETE);
    await screenshot(page, '03-activate-cut-off-link');

    await page.goto(activation);
    await expectText(
      page.locator('[data-password-rules]'),
      'At least 12 characters, with an upper-case letter, a lower-case letter, a digit and a symbol such as - _ ! or ?.',
    );
    await page.getByLabel('Choose a password').fill('weakpass');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expectText(status(), RULES);
    await screenshot(page, '04-activate-weak-password');
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activate' }).click();
    await expectText(status(), `Your account is active. Sign in with ${email} and your new password.`);

    // Used once: the link offers to send a new one instead.
    await page.goto(activation);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByLabel('Your email address').fill(email);
    await page.getByRole('button', { name: 'Send me a new link' }).click();
    await expectText(
      status(),
      `A new link is on its way to ${email}: open it to choose your password. If the account is active already, the mail says so instead.`,
    );
  }, 60_000);

  it('signs in with the email address; a wrong password says what to do, and its message goes on success', async () => {
    await signIn(email, 'Not-The-Password-1');
    await expectText(
      status(),
      'The email address, username or password is not right. Try again, or choose "Forgot password?".',
    );
    await screenshot(page, '05-sign-in-wrong-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.locator('#me-email'), email);
    expect(await page.locator('#status').textContent()).toBe(''); // the stale error is gone
    await screenshot(page, '06-account');
  });

  it('changes the email address (pending, cancel, confirm), then undoes it with "this wasn\'t me"', async () => {
    await page.getByLabel('New email address').fill('someone.else@example.net');
    await page.getByRole('button', { name: 'Change email' }).click();
    await expectText(page.locator('#me-pending'), 'someone.else@example.net');
    await screenshot(page, '07-change-pending');
    await page.getByRole('button', { name: 'Cancel the pending change' }).click();
    await expectText(page.locator('#me-pending'), 'none');
    await expectText(status(), 'The pending change is cancelled; its link no longer works.');

    await page.getByLabel('New email address').fill(newEmail);
    await page.getByRole('button', { name: 'Change email' }).click();
    await expectText(page.locator('#me-pending'), newEmail);
    // The request is queued: wait for this address's own mail (the cancelled one went elsewhere).
    const confirmation = await linkMailedTo(banner.inbox, newEmail, 'Confirm your new email address', {
      page: 'confirm-email',
    });
    await page.goto(confirmation);
    await page.getByText('The button makes your new address, the one this link was mailed to,').waitFor();
    await page.getByRole('button', { name: 'Use this address from now on' }).click();
    await expectText(status(), `Done: your email address is now ${newEmail}.`);
    await screenshot(page, '08-email-confirmed');

    const restore = await linkInMail(
      page,
      banner.inbox,
      'Your email address was changed',
      "This wasn't me",
      '09-inbox-email-changed',
    );
    await page.goto(cutOff(restore));
    await expectText(status(), INCOMPLETE);
    await page.goto(restore);
    await page.getByRole('button', { name: 'Put my old address back' }).click();
    await expectText(
      status(),
      `Done: ${email} is your account's address again, and every device was signed out. ` +
        'We mailed it a link to choose a new password: use it now, since whoever changed the address may know your password.',
    );
    await screenshot(page, '10-email-restored');
    await page.goto(restore);
    await page.getByRole('button', { name: 'Put my old address back' }).click();
    await expectText(
      status(),
      'This link no longer works: it was used already or it expired. If you cannot sign in, ask for a password link, or contact support.',
    );

    // Every session ended: the account page asks to sign in again.
    await page.goto(`${banner.api}/demo/account.html`);
    await page.getByLabel('Email or username').waitFor();

    const reset = await linkInMail(page, banner.inbox, 'Choose a new password', 'Choose a new password');
    await page.goto(reset);
    await page.getByLabel('New password').fill(SECOND_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectText(
      status(),
      'Your password is changed, and every device that was signed in is signed out. Sign in with your new password.',
    );
  }, 90_000);

  it('"forgot password?": a reset link by mail; cut-off, weak and used links each say what to do', async () => {
    await page.goto(`${banner.api}/demo/account.html`);
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(/forgot-password\.html\?email=/, { waitUntil: 'load' });
    expect(await page.getByLabel("Your account's email address").inputValue()).toBe(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await expectText(
      status(),
      `If an account uses ${email}, a link to choose a new password is on its way there ` +
        '(or, if the account is not activated yet, a new activation link). It works once, for an hour.',
    );
    await screenshot(page, '11-forgot-password');

    const reset = await linkInMail(
      page,
      banner.inbox,
      'Choose a new password',
      'Choose a new password',
      '12-inbox-reset',
    );
    await page.goto(cutOff(reset));
    await expectText(status(), INCOMPLETE);
    await page.goto(reset);
    await page.getByLabel('New password').fill('weakpass');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectText(status(), RULES);
    await screenshot(page, '13-reset-weak-password');
    await page.getByLabel('New password').fill(THIRD_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectText(
      status(),
      'Your password is changed, and every device that was signed in is signed out. Sign in with your new password.',
    );
    await screenshot(page, '14-reset-done');

    await page.goto(reset);
    await page.getByLabel('New password').fill(`${THIRD_PASSWORD}x`);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectText(
      status(),
      'This link no longer works: it was used already, a newer one replaced it, or it expired. Ask for a new link.',
    );
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
  }, 60_000);

  it('signs out everywhere, then deletes the account after a fresh sign-in', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the last revocation mark
    const first = page;
    page = await first.context().newPage(); // a second tab, signed in on its own
    await signIn(email, THIRD_PASSWORD);
    await expectText(page.locator('#me-email'), email);
    const second = page;
    page = first;
    await signIn(email, THIRD_PASSWORD);
    await expectText(page.locator('#me-email'), email);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expectText(
      status(),
      'Every device and app is signed out now, this one too. Sign in again to continue.',
    );
    await page.getByLabel('Email or username').waitFor();
    await screenshot(page, '15-signed-out-everywhere');
    // The other tab's token no longer works: it says why, not just a bare sign-in form.
    await second.reload();
    await expectText(
      second.getByRole('status'),
      'You were signed out, perhaps from another tab or device. Sign in again to continue.',
    );
    await second.close();

    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await signIn(email, THIRD_PASSWORD);
    await expectText(page.locator('#me-email'), email);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    const [yes, keep] = await Promise.all(
      ['Yes, delete it for good', 'Keep it'].map((name) => page.getByRole('button', { name }).boundingBox()),
    );
    expect(keep?.y).toBe(yes?.y); // on one line: neither button wraps alone
    await screenshot(page, '16-delete-confirm');
    await page.getByRole('button', { name: 'Yes, delete it for good' }).click();
    await expectText(
      status(),
      'Your account is deleted, and every device is signed out. We mailed you a confirmation.',
    );
    await screenshot(page, '17-deleted');

    await signIn(email, THIRD_PASSWORD);
    await expectText(
      status(),
      'The email address, username or password is not right. Try again, or choose "Forgot password?".',
    );
  }, 60_000);

  it('stops the API, the inbox and the Cognito emulator on Ctrl-C', async () => {
    await browser.close();
    expect(await pressCtrlC(launch)).toBe(0);
    expect(await answers(`${banner.api}/health`)).toBe(false);
    expect(await answers(`${banner.inbox}/api/email`)).toBe(false);
    expect(await answers(`${banner.cognito}/moto-api/data.json`)).toBe(false);
  }, 20_000);
});
