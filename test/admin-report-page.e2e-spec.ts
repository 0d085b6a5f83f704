import { randomUUID } from 'node:crypto';
import { sealToken } from '../src/accounts/link-secret';
import { ACTIVATION_ATTRIBUTE } from '../src/cognito/attributes';
import { adminPageSuite } from './support/admin-page';
import { expectText, screenshot } from './support/browser';

/*
 * The admin page's account-health report and its repairs, as an operator uses them (`npm start`,
 * Chromium), on an invitation left expired by an earlier run. Screenshots as in admin-page.e2e-spec.ts.
 */

describe('the admin page: the account-health report (npm start, Chromium)', () => {
  const late = 'late@example.org';
  const ui = adminPageSuite(async (create) => {
    // An invitation whose link expired yesterday.
    const username = randomUUID();
    const expired = sealToken('x'.repeat(43), [username], new Date(Date.now() - 86_400_000));
    await create(username, [
      { Name: 'email', Value: late },
      { Name: ACTIVATION_ATTRIBUTE, Value: expired },
    ]);
  });

  it('runs the account-health report and the repair that removes expired invitations, showing what it changed', async () => {
    await ui.signIn(ui.admin.email, ui.admin.password);
    await expectText(ui.stateOf(late), 'invitation expired');
    await ui.page.getByRole('button', { name: 'Run the report' }).click();
    const expired = ui.page.locator('#finding-expiredInvitations');
    await expectText(expired.locator('h3'), 'Invitations whose link expired: 1');
    expect(await expired.locator('li').textContent()).toMatch(/^late@example\.org: expired .+ UTC$/);
    await expectText(
      ui.page.locator('#finding-duplicateEmails h3'),
      'Addresses held by more than one account: 0',
    );
    await screenshot(ui.page, 'admin-06-report');

    await expired.getByRole('button', { name: 'Remove them' }).click();
    await expectText(ui.status(), 'The repair changed 1 account(s). The report below is fresh.');
    await expectText(ui.page.locator('#repair-outcome li'), `${late}: deleted (never activated)`);
    await expectText(expired.locator('h3'), 'Invitations whose link expired: 0');
    await screenshot(ui.page, 'admin-07-repaired');
  });
});
