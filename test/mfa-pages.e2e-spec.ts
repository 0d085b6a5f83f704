import { adminPageSuite } from './support/admin-page';
import { expectText, linkMailedTo, screenshot } from './support/browser';
import { forgeJwt } from './support/forge';
import { decodeJwt } from './support/jwt';
import { currentCode, wrongCode } from './support/totp';

/*
 * Two-step sign-in in the demo pages: `npm start` (whose moto checks authenticator codes), then
 * Chromium: a person sets up an authenticator app on the account page from the QR code or the key
 * shown there, signs in answering the code prompt, turns it off after a fresh sign-in; an admin sees
 * the state on the admin page and resets it; an admin with two-step sign-in gets into the admin page.
 * Codes are computed from the key the page shows, as an authenticator app computes them.
 * Screenshots: test/artifacts/screenshots/ (`npm run screenshots`: docs/screenshots/mfa-*.png).
 */

const PASSWORD = 'Correct-Horse-9-Battery';
const TOKEN_KEY = 'cognito-accounts-demo:access-token';
const OFF = 'Off: signing in asks for your password only. An authenticator app adds a second step.';
const ON = 'On: signing in asks for your password and then the code your authenticator app shows.';
const WRONG_CODE = 'That code is not the one your authenticator app shows now. Type the current six digits.';

/** What the test reads of a `<canvas>` (the tests are type-checked without the DOM's types). */
interface Canvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** How many mails with this subject reached `address` (the inbox's REST API). */
async function mailsTo(inbox: string, address: string, subject: string): Promise<number> {
  const mails = (await (await fetch(`${inbox}/api/email`)).json()) as {
    subject: string;
    to: { address: string }[];
  }[];
  return mails.filter((m) => m.subject === subject && m.to.some((to) => to.address === address)).length;
}

async function expectMails(inbox: string, address: string, subject: string, count: number): Promise<void> {
  for (let i = 0; i < 75 && (await mailsTo(inbox, address, subject)) < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await mailsTo(inbox, address, subject)).toBe(count);
}

describe('two-step sign-in in the demo pages (npm start, Chromium)', () => {
  const ui = adminPageSuite(() => Promise.resolve());
  const person = 'lin@example.org';
  /** The key the account page showed at the last set-up: what the authenticator app holds. */
  let secret = '';
  /** Every URL the pages asked for: all of them on the service or the Cognito endpoint. */
  const requested: string[] = [];

  const state = () => ui.page.locator('#mfa-state');

  async function signInOnAccountPage(identifier: string, password = PASSWORD) {
    await ui.page.goto(`${ui.banner.api}/demo/account.html`);
    await ui.page.locator('#sign-in:visible, #account:visible').waitFor();
    if (await ui.page.locator('#account').isVisible())
      await ui.page.getByRole('button', { name: 'Sign out here' }).click();
    await ui.page.getByLabel('Email or username').fill(identifier);
    await ui.page.getByLabel('Password', { exact: true }).fill(password);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function answerCodePrompt(code: string) {
    await ui.page.getByLabel('Authenticator code').fill(code);
    await ui.page.getByRole('button', { name: 'Continue' }).click();
  }

  /** On the account page, signed in: starts the set-up and keeps the key it shows. */
  async function startSetUp() {
    await ui.page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await ui.page
      .locator('#mfa-secret')
      .and(ui.page.getByText(/^[A-Za-z2-7]+=*$/))
      .waitFor();
    secret = (await ui.page.locator('#mfa-secret').textContent()) ?? '';
  }

  async function enterSetUpCode(code: string) {
    await ui.page.getByLabel('Code shown by the app').fill(code);
    await ui.page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  }

  beforeAll(() => {
    ui.page.on('request', (request) => requested.push(request.url()));
  });

  it('an invited person activates; the account page shows two-step sign-in off', async () => {
    await ui.signIn(ui.admin.email, ui.admin.password);
    await ui.page.getByLabel('Email address').fill(person);
    await ui.page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await ui.expectStatus(/^Invitation sent to lin@example\.org/);
    await ui.page.goto(
      await linkMailedTo(ui.banner.inbox, person, 'Finish creating your account', { page: 'activate.html' }),
    );
    await ui.page.getByLabel('Choose a password').fill(PASSWORD);
    await ui.page.getByRole('button', { name: 'Activate' }).click();
    await ui.expectStatus(/^Your account is active/);

    await signInOnAccountPage(person);

    await expectText(state(), OFF);
    expect(await ui.page.getByRole('button', { name: 'Turn off two-step sign-in' }).isHidden()).toBe(true);
  });

  it('sets up an authenticator app: a QR code drawn in the page, a wrong code refused, the right one turns it on', async () => {
    await startSetUp();

    const qr = ui.page.getByRole('img', { name: 'QR code for your authenticator app' });
    const drawn = await qr.evaluate((canvas: Canvas) => {
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
      return { width: canvas.width, darkShare: dark / (pixels.length / 4) };
    });
    expect(drawn.width).toBeGreaterThanOrEqual(150);
    expect(drawn.darkShare).toBeGreaterThan(0.2);
    expect(drawn.darkShare).toBeLessThan(0.8);
    await screenshot(ui.page, 'mfa-01-set-up');

    await enterSetUpCode(wrongCode(await currentCode(secret)));
    await expectText(
      ui.status(),
      'That code is not the one your authenticator app shows now. Type the current six digits and try again.',
    );
    await expectText(state(), OFF);
    expect(await ui.page.locator('#mfa-setup').isVisible()).toBe(true);

    await enterSetUpCode(await currentCode(secret));
    await expectText(
      ui.status(),
      'Two-step sign-in is on: from now on, signing in asks for the code your authenticator app shows. We mailed you a notice.',
    );
    await expectText(state(), ON);
    expect(await ui.page.locator('#mfa-setup').isHidden()).toBe(true);
    await expectMails(ui.banner.inbox, person, 'Two-step sign-in was turned on', 1);
    const outside = requested.filter(
      (url) => !url.startsWith(`${ui.banner.api}/`) && !url.startsWith(ui.banner.cognito),
    );
    expect(outside).toEqual([]);
  });

  it('asks for the code at sign-in: a wrong code asks again, the right one signs in', async () => {
    await signInOnAccountPage(person);

    await ui.page.getByLabel('Authenticator code').waitFor();
    expect(await ui.page.locator('#sign-in').isHidden()).toBe(true);
    await screenshot(ui.page, 'mfa-02-sign-in-code');
    await answerCodePrompt(wrongCode(await currentCode(secret)));
    await expectText(ui.status(), WRONG_CODE);
    await answerCodePrompt(await currentCode(secret));

    await expectText(ui.page.locator('#me-email'), person);
    await expectText(state(), ON);
  });

  it('turns it off only after a fresh sign-in (with the code); the person is told by mail', async () => {
    // The same session, as if its sign-in were 11 minutes old (signed with the emulator's key).
    await ui.page.evaluate(([key, token]) => sessionStorage.setItem(key, token), [
      TOKEN_KEY,
      await oldToken(),
    ] as const);
    await ui.page.reload();
    await ui.page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await expectText(
      ui.status(),
      'For your safety, this needs a fresh sign-in. Sign in again, then repeat what you were doing.',
    );
    await ui.page.getByLabel('Email or username').fill(person);
    await ui.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await answerCodePrompt(await currentCode(secret));

    await ui.page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();

    await expectText(
      ui.status(),
      'Two-step sign-in is off: signing in asks for your password only. We mailed you a notice.',
    );
    await expectText(state(), OFF);
    await expectMails(ui.banner.inbox, person, 'Two-step sign-in was turned off', 1);
  });

  it('shows an admin the state (unknown in the list until checked) and resets it; the user is told by mail', async () => {
    await startSetUp();
    await enterSetUpCode(await currentCode(secret));
    await expectText(state(), ON);

    await ui.signIn(ui.admin.email, ui.admin.password);
    await ui.search(person);
    const twoStep = ui.row(person).locator('td').nth(3);
    await expectText(twoStep.locator('span'), 'unknown');
    await twoStep.getByRole('button', { name: 'Check' }).click();
    await expectText(twoStep, 'on');
    await screenshot(ui.page, 'admin-08-mfa-state');
    await ui.row(person).getByRole('button', { name: 'Reset two-step sign-in' }).click();

    await expectText(
      ui.status(),
      `Two-step sign-in of ${person} is off: its user signs in with the password alone, can set up an authenticator app again, and was told by mail.`,
    );
    await expectText(twoStep, 'off');
    expect(await ui.row(person).getByRole('button', { name: 'Reset two-step sign-in' }).count()).toBe(0);
    await screenshot(ui.page, 'admin-09-mfa-reset');
    await expectMails(ui.banner.inbox, person, 'Two-step sign-in was turned off', 2);
    await signInOnAccountPage(person);
    await expectText(ui.page.locator('#me-email'), person);
  });

  it('lets an admin with two-step sign-in into the admin page with the code', async () => {
    await signInOnAccountPage(ui.admin.email, ui.admin.password);
    await startSetUp();
    await enterSetUpCode(await currentCode(secret));
    await expectText(state(), ON);

    await ui.signIn(ui.admin.email, ui.admin.password);
    await answerCodePrompt(await currentCode(secret));

    await ui.search(ui.admin.email);
    await expectText(ui.stateOf(ui.admin.email), 'active');
    // Its own two-step sign-in shows, and no reset: that is the account page's to change.
    const own = ui.row(ui.admin.email);
    await own.getByRole('button', { name: 'Check' }).click();
    await expectText(own.locator('td').nth(3), 'on');
    await expectText(own.locator('td.actions'), 'you');
    expect(await own.getByRole('button').count()).toBe(0);
  });

  /** The page's access token with its sign-in moved 11 minutes back. */
  async function oldToken(): Promise<string> {
    const token = await ui.page.evaluate((key) => sessionStorage.getItem(key) ?? '', TOKEN_KEY);
    const claims = decodeJwt(token);
    return forgeJwt({ ...claims, auth_time: Math.floor(Date.now() / 1000) - 11 * 60 });
  }
});
