import { accountsKit, linkOf, MAILS_PER_HOUR } from '../accounts-kit.fixture';
import { SIGNUP_JOB } from './signup.service';

const context = { id: '6f1c1d40-9d4e-4a43-9f3e-0d6b9b6f2a11', attempt: 1 };

describe('SignupService', () => {
  it('queues the address, the same answer every time, and nothing over the address budget', async () => {
    const kit = accountsKit();
    const answers = [];
    for (let i = 0; i <= MAILS_PER_HOUR; i++) answers.push(await kit.signup.signup('ada@example.test', 'de'));
    expect(new Set(answers.map((answer) => answer.message)).size).toBe(1);
    expect(kit.jobs.queued).toEqual(
      Array(MAILS_PER_HOUR).fill({
        name: SIGNUP_JOB.name,
        payload: { email: 'ada@example.test', locale: 'de' },
      }),
    );
  });

  it('the job invites a free address: an invited account named after the job, and its activation mail', async () => {
    const kit = accountsKit();
    await kit.signup.runSignup({ email: 'ada@example.test', locale: 'de' }, context);

    const account = kit.cognito.peek(context.id);
    expect(account).toMatchObject({ email: 'ada@example.test', state: 'invited', locale: 'de' });
    const [mail] = kit.outbox.to('ada@example.test');
    expect(mail).toMatchObject({ template: 'activation', locale: 'de' });
    expect(linkOf(mail).username).toBe(context.id);
    expect(kit.trail.events()).toEqual(['activation.sent', 'signup.requested']);
  });

  it('run again, the job finds the account it made: no second account, a further link', async () => {
    const kit = accountsKit();
    await kit.signup.runSignup({ email: 'ada@example.test' }, context);
    await kit.signup.runSignup({ email: 'ada@example.test' }, { ...context, attempt: 2 });
    expect(await kit.cognito.listAll({ email: 'ada@example.test' })).toHaveLength(1);
    expect(kit.outbox.to('ada@example.test').map((mail) => linkOf(mail).username)).toEqual([
      context.id,
      context.id,
    ]);
  });

  it('an active owner gets a reminder, a disabled one nothing', async () => {
    const kit = accountsKit();
    kit.cognito.add({ email: 'ada@example.test' });
    kit.cognito.add({ email: 'bob@example.test', state: 'disabled' });

    await kit.signup.runSignup({ email: 'ada@example.test' }, context);
    await kit.signup.runSignup({ email: 'bob@example.test' }, context);

    expect(kit.outbox.sent.map((mail) => [mail.to, mail.template])).toEqual([
      ['ada@example.test', 'account-exists'],
    ]);
  });

  it('an invited owner gets a further link, and a not activated duplicate of a race is removed', async () => {
    const kit = accountsKit();
    const owner = kit.cognito.add({
      email: 'ada@example.test',
      state: 'invited',
      createdAt: new Date(1_000),
    });
    const duplicate = kit.cognito.add({
      email: 'ada@example.test',
      state: 'invited',
      createdAt: new Date(2_000),
    });

    await kit.signup.runSignup({ email: 'ada@example.test' }, context);

    expect(kit.cognito.peek(duplicate.username)).toBeUndefined();
    expect(linkOf(kit.outbox.to('ada@example.test')[0]).username).toBe(owner.username);
  });
});
