import { accountsKit, linkOf, MAILS_PER_HOUR } from '../accounts-kit.fixture';
import { EMAIL_CHANGE_JOB } from './email-change.service';

describe('EmailChangeService', () => {
  it('queues the request with one answer whether or not the address is free', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    kit.cognito.add({ email: 'taken@example.test' });
    const free = await kit.emailChanges.requestEmailChange(user.username, 'new@example.test');
    const taken = await kit.emailChanges.requestEmailChange(user.username, 'taken@example.test');
    expect(free).toEqual(taken);
    expect(kit.jobs.queued.map((job) => job.name)).toEqual([EMAIL_CHANGE_JOB.name, EMAIL_CHANGE_JOB.name]);
  });

  it('the job mails a confirmation link to a free address and keeps the old one in place', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    await kit.emailChanges.runRequest({ username: user.username, email: 'new@example.test' });

    expect(kit.cognito.peek(user.username)).toMatchObject({
      email: 'ada@example.test',
      pendingEmail: 'new@example.test',
    });
    const [mail] = kit.outbox.to('new@example.test');
    expect(mail?.template).toBe('email-change');
    expect(linkOf(mail).username).toBe(user.username);
  });

  it("a taken address's owner is told, within the mailbox's budget, and nothing changes", async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    kit.cognito.add({ email: 'taken@example.test' });
    for (let i = 0; i < MAILS_PER_HOUR; i++) {
      await kit.emailChanges.requestEmailChange(user.username, `Taken+${i}@example.test`);
    }
    // The next request for the same mailbox is refused out loud, as it would be for a free address.
    await expect(
      kit.emailChanges.requestEmailChange(user.username, 'taken@example.test'),
    ).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    for (let i = 0; i < MAILS_PER_HOUR; i++) {
      await kit.emailChanges.runRequest({ username: user.username, email: 'taken@example.test' });
    }
    expect(kit.outbox.to('taken@example.test').map((mail) => mail.template)).toEqual(
      Array(MAILS_PER_HOUR).fill('email-taken'),
    );
    expect(kit.cognito.peek(user.username)?.pendingEmail).toBeUndefined();
  });

  it('cancels a pending change, and a cancel with nothing pending is fine', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    await kit.emailChanges.runRequest({ username: user.username, email: 'new@example.test' });
    await kit.emailChanges.cancelEmailChange(user.username);
    await kit.emailChanges.cancelEmailChange(user.username);
    expect(kit.cognito.peek(user.username)?.pendingEmail).toBeUndefined();
    expect(kit.trail.events().filter((event) => event === 'email-change.cancelled')).toHaveLength(1);
  });
});
