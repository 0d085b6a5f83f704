import { accountsKit, linkOf } from '../accounts-kit.fixture';
import { FORGOT_PASSWORD_JOB } from './password.service';

const context = { id: '2b6a8a0e-1f0c-4c4e-9d55-8d0b7a3c1e42', attempt: 1 };

describe('PasswordService', () => {
  it('queues the request with the same answer for every address', async () => {
    const kit = accountsKit();
    kit.cognito.add({ email: 'ada@example.test' });
    const known = await kit.passwords.forgotPassword('ada@example.test');
    const unknown = await kit.passwords.forgotPassword('nobody@example.test');
    expect(known).toEqual(unknown);
    expect(kit.jobs.queued.map((job) => job.name)).toEqual([
      FORGOT_PASSWORD_JOB.name,
      FORGOT_PASSWORD_JOB.name,
    ]);
  });

  it('the job mails an active account a reset link, an invited one an activation link, others nothing', async () => {
    const kit = accountsKit();
    const active = kit.cognito.add({ email: 'ada@example.test' });
    const invited = kit.cognito.add({ email: 'bob@example.test', state: 'invited' });
    kit.cognito.add({ email: 'eve@example.test', state: 'disabled' });

    for (const email of ['ada@example.test', 'bob@example.test', 'eve@example.test', 'nobody@example.test']) {
      await kit.passwords.runForgot({ email }, context);
    }

    expect(kit.outbox.sent.map((mail) => [mail.to, mail.template, linkOf(mail).username])).toEqual([
      ['ada@example.test', 'password-reset', active.username],
      ['bob@example.test', 'activation', invited.username],
    ]);
  });
});
