import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  bannerAdmin,
  bannerOf,
  bannerRow,
  CHROMIUM,
  CHROMIUM_ARGS,
  expectText,
  npmStart,
  pressCtrlC,
  SCREENSHOTS,
  START_TIMEOUT_MS,
  type Banner,
  type Launch,
} from './browser';

/** Creates an account straight in the emulator, as earlier runs of the service would have left it. */
export type PlantAccount = (username: string, attributes: AttributeType[]) => Promise<unknown>;

/** The admin page in Chromium over `npm start`, and what its tests do on it. */
export interface AdminPage {
  launch: Launch;
  banner: Banner;
  browser: Browser;
  /** The tab the helpers act on; a test may switch it. */
  page: Page;
  /** The admin the embedded stack made and named in its banner. */
  admin: { email: string; password: string };
  status(): ReturnType<Page['getByRole']>;
  /** The row of the accounts table that shows `email`, and the state it shows. */
  row(email: string): ReturnType<Page['locator']>;
  stateOf(email: string): ReturnType<Page['locator']>;
  /** Waits until the status line says something matching `pattern`; on timeout shows what it says. */
  expectStatus(pattern: RegExp): Promise<void>;
  /** Opens the admin page, signed out, and signs in. */
  signIn(identifier: string, password: string): Promise<void>;
  search(email: string, options?: { state?: string; perPage?: string }): Promise<void>;
}

/**
 * Registers the suite's set-up (`npm start`, Chromium, the accounts `plant` makes) and tear-down
 * (Ctrl-C), and returns the page's parts, filled in before the first test.
 */
export function adminPageSuite(plant: (create: PlantAccount) => Promise<void>): AdminPage {
  const ui = {
    status: () => ui.page.getByRole('status'),
    row: (email) => ui.page.locator('#users tbody tr').filter({ hasText: email }),
    stateOf: (email) => ui.row(email).locator('td').nth(1),
    expectStatus: async (pattern) => {
      try {
        await ui.status().filter({ hasText: pattern }).waitFor();
      } catch {
        expect(await ui.status().textContent()).toMatch(pattern);
      }
    },
    signIn: async (identifier, password) => {
      const { page } = ui;
      await page.goto(`${ui.banner.api}/demo/admin.html`);
      await page.locator('#sign-in:visible, #admin:visible').waitFor();
      if (await page.locator('#admin').isVisible()) {
        await page.getByRole('button', { name: 'Sign out here' }).click();
        await expectText(ui.status(), 'Signed out on this device.');
      }
      await page.getByLabel('Email or username').fill(identifier);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    search: async (email, { state = '', perPage = '25' } = {}) => {
      const { page } = ui;
      await page.getByLabel('Email starts with').fill(email);
      await page.getByLabel('State').selectOption(state);
      await page.getByLabel('Per page').selectOption(perPage);
      await page.getByRole('button', { name: 'Search' }).click();
    },
  } as AdminPage;

  async function plantAccounts(): Promise<void> {
    const client = new CognitoIdentityProviderClient({
      endpoint: ui.banner.cognito,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const userPoolId = bannerRow(ui.launch, 'User pool');
    try {
      await plant((Username, UserAttributes) =>
        client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username,
            MessageAction: 'SUPPRESS',
            UserAttributes,
          }),
        ),
      );
    } finally {
      client.destroy();
    }
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ui.launch = npmStart();
    [ui.banner, ui.browser] = await Promise.all([
      bannerOf(ui.launch, START_TIMEOUT_MS),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    ui.admin = bannerAdmin(ui.launch);
    await plantAccounts();
    ui.page = await (await ui.browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    ui.page.setDefaultTimeout(10_000);
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await ui.browser?.close();
    if (ui.launch) await pressCtrlC(ui.launch);
  });

  return ui;
}
