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

  it("a taken address's owner is told, within the mailbox's budget; no link goes anywhere", async () => {
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
    expect(kit.outbox.sent.filter((mail) => mail.template === 'email-change')).toEqual([]);
    // Pending as for a free address (the profile cannot tell them apart), and the address unchanged.
    expect(kit.cognito.peek(user.username)).toMatchObject({
      email: 'ada@example.test',
      pendingEmail: 'taken@example.test',
    });
  });

  it('shows the same profile after a change to a free and to a taken address', async () => {
    const kit = accountsKit();
    kit.cognito.add({ email: 'taken@example.test' });
    const profiles = [];
    for (const email of ['free@example.test', 'taken@example.test']) {
      const user = kit.cognito.add({ email: 'ada@example.test', username: `user-${email}` });
      await kit.emailChanges.runRequest({ username: user.username, email });
      const { username, ...profile } = await kit.profile.getProfile(user.username);
      profiles.push({ ...profile, pendingEmail: profile.pendingEmail?.replace(/^\w+@/, 'x@') });
      void username;
    }
    expect(profiles[0]).toEqual(profiles[1]);
    expect(profiles[0]?.pendingEmail).toBe('x@example.test');
  });

  it('an address held only by an invitation nobody activated gets the link; the invitation stays until it is followed', async () => {
    const kit = accountsKit();
    const user = kit.cognito.add({ email: 'ada@example.test' });
    const squatter = kit.cognito.add({ email: 'new@example.test', state: 'invited' });
    await kit.emailChanges.runRequest({ username: user.username, email: 'new@example.test' });
    expect(kit.outbox.to('new@example.test').map((mail) => mail.template)).toEqual(['email-change']);
    expect(kit.cognito.peek(squatter.username)).toBeDefined();
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
