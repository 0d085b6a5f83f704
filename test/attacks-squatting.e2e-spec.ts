import type { Queue } from 'bullmq';
import { Clock } from '../src/common/clock';
import type { InProcessJobQueue } from '../src/jobs/in-process-queue';
import { JobQueue } from '../src/jobs/job-queue';
import { getUserAttributes, listUsersByEmail } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX, CONFIRMATION_LINK_PREFIX, RESTORE_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { ManualClock } from './support/manual-clock';
import { startRedis } from './support/redis';
import { startStack, type TestStack } from './support/stack';
import { until } from './support/until';

/**
 * Issue 21, "anyone's signup squats an address" and "pendingEmail is an enumeration oracle": the
 * attacker's steps, then the owner's (or another user's) move onto the address succeeding. An address
 * belongs to whoever proves its mailbox; an invitation nobody activated is withdrawn when someone does.
 */
describe('attacks: squatting an address with an unactivated signup (moto + real SMTP)', () => {
  let stack: TestStack;
  const clock = new ManualClock();
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    stack = await startStack({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
  });
  afterAll(() => stack?.close());
  afterEach(() => clock.reset());

  const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
  const me = (accessToken: string) =>
    stack.app.inject({ method: 'GET', url: '/accounts/me', headers: bearer(accessToken) });
  const requestChange = (accessToken: string, email: string) =>
    stack.app.inject({
      method: 'POST',
      url: '/accounts/me/email',
      headers: bearer(accessToken),
      payload: { email },
    });
  const post = (url: string, payload: object) => stack.app.inject({ method: 'POST', url, payload });
  const confirm = ({ username, token }: { username: string; token: string }) =>
    post('/accounts/email/confirm', { username, token });
  const activate = ({ username, token }: { username: string; token: string }) =>
    post('/accounts/signup/complete', { username, token, password: TEST_PASSWORD });
  const holders = async (email: string) => (await listUsersByEmail(stack.pool, email)).map((u) => u.Username);

  /** The attacker signs the address up and never activates: the activation link the mailbox got. */
  async function squat(email: string) {
    const before = stack.smtp.mailsTo(email).length;
    expect((await post('/accounts/signup', { email })).statusCode).toBe(202);
    const mail = await stack.smtp.waitForMail(email, { count: before + 1 });
    return linkParams(mail.text, ACTIVATION_LINK_PREFIX);
  }

  /** The confirmation link of the latest change request to `email`. */
  async function confirmationTo(email: string, count: number) {
    return linkParams((await stack.smtp.waitForMail(email, { count })).text, CONFIRMATION_LINK_PREFIX);
  }

  it("a stranger's unactivated signup no longer blocks another user's change to the address", async () => {
    const target = freshEmail('squatted');
    const squatter = await squat(target);
    const user = await activatedUser(stack, freshEmail('mover'));

    expect((await requestChange(user.accessToken, target)).statusCode).toBe(202);
    const link = await confirmationTo(target, 2);
    expect((await confirm(link)).json()).toEqual({ email: target });

    expect(await holders(target)).toEqual([user.username]);
    // The invitation is withdrawn: its link is dead, and its mailbox was told nothing more.
    expect((await activate(squatter)).json()).toMatchObject({ code: 'INVALID_ACTIVATION_LINK' });
    await jobsDone(stack.app);
    expect(stack.smtp.mailsTo(target).map((mail) => mail.subject)).toEqual([
      'Finish creating your account',
      expect.stringMatching(/confirm/i),
    ]);
    expect(stack.logs.text).toContain(`"audit":"invitation.withdrawn","username":"${squatter.username}"`);
  });

  it('a signup made while a confirmation is pending does not turn it into a 409', async () => {
    const user = await activatedUser(stack, freshEmail('pending'));
    const target = freshEmail('contested');
    expect((await requestChange(user.accessToken, target)).statusCode).toBe(202);
    const link = await confirmationTo(target, 1);
    const squatter = await squat(target);

    expect((await confirm(link)).json()).toEqual({ email: target });
    expect(await holders(target)).toEqual([user.username]);
    expect((await activate(squatter)).statusCode).toBe(400);
  });

  it("the owner's restore succeeds over a stranger's signup of the old address, and signs the attacker out", async () => {
    const owner = await activatedUser(stack, freshEmail('owner'));
    // The attacker, with the owner's session, moves the account to their own address.
    const attackers = freshEmail('attacker');
    expect((await requestChange(owner.accessToken, attackers)).statusCode).toBe(202);
    expect((await confirm(await confirmationTo(attackers, 1))).statusCode).toBe(200);
    const notice = await stack.smtp.waitForMail(owner.email, { count: 2 });
    const restoreLink = linkParams(notice.text, RESTORE_LINK_PREFIX);
    // ... and squats the owner's old address so that the restore would find it taken.
    const squatter = await squat(owner.email);

    const restored = await post('/accounts/email/restore', {
      username: restoreLink.username,
      token: restoreLink.token,
    });
    expect(restored.json()).toEqual({ email: owner.email });
    expect(await holders(owner.email)).toEqual([owner.username]);
    expect((await activate(squatter)).statusCode).toBe(400);
    expect((await me(owner.accessToken)).statusCode).toBe(401);
  });

  it('an activated holder still keeps the address: the confirmation gets 409 and nothing is withdrawn', async () => {
    const user = await activatedUser(stack, freshEmail('loser'));
    const target = freshEmail('owned');
    expect((await requestChange(user.accessToken, target)).statusCode).toBe(202);
    const link = await confirmationTo(target, 1);
    const holder = await activatedUser(stack, target);

    const lost = await confirm(link);
    expect(lost.statusCode).toBe(409);
    expect(lost.json()).toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(await holders(target)).toEqual([holder.username]);
    expect(await getUserAttributes(stack.pool, user.username)).toMatchObject({ email: user.email });
  });

  it('the invitation activating at the same moment as the confirmation: exactly one of them wins', async () => {
    for (let round = 0; round < 3; round++) {
      const target = freshEmail('race');
      const squatter = await squat(target);
      const user = await activatedUser(stack, freshEmail('racer'));
      expect((await requestChange(user.accessToken, target)).statusCode).toBe(202);
      const link = await confirmationTo(target, 2);

      const [confirmed, activated] = await Promise.all([confirm(link), activate(squatter)]);
      // The activation that lost the lock finds the invitation gone (400) or the address taken (409).
      const outcome = [confirmed.statusCode, activated.statusCode];
      expect([
        [200, 400],
        [200, 409],
        [409, 200],
      ]).toContainEqual(outcome);
      const winner = confirmed.statusCode === 200 ? user.username : squatter.username;
      expect(await holders(target)).toEqual([winner]);
    }
  }, 60_000);

  it('GET /accounts/me looks the same after a change request to a free and to a taken address', async () => {
    const taken = (await activatedUser(stack, freshEmail('holder'))).email;
    const free = freshEmail('free');
    const [a, b] = [await activatedUser(stack, freshEmail('a')), await activatedUser(stack, freshEmail('b'))];
    const answers = [await requestChange(a.accessToken, free), await requestChange(b.accessToken, taken)];
    expect(answers[0]?.json()).toEqual(answers[1]?.json());
    await jobsDone(stack.app);

    const masked = async (user: typeof a, target: string) => {
      const profile = (await me(user.accessToken)).json<Record<string, unknown>>();
      expect(profile).toMatchObject({ username: user.username, email: user.email, pendingEmail: target });
      return { ...profile, username: 'U', email: 'E', pendingEmail: 'P' };
    };
    expect(await masked(a, free)).toEqual(await masked(b, taken));
    // The mail goes to the target mailbox only: a link to the free one, a notice to the owner of the
    // taken one; the requester's own mailbox gets nothing in either case.
    expect(stack.smtp.mailsTo(free).map((mail) => mail.subject)).toEqual([expect.stringMatching(/confirm/i)]);
    expect(stack.smtp.mailsTo(taken).at(-1)?.subject).toMatch(/tried to use this address/);
    expect(stack.smtp.mailsTo(taken).at(-1)?.text).not.toContain(CONFIRMATION_LINK_PREFIX);
    for (const user of [a, b]) expect(stack.smtp.mailsTo(user.email)).toHaveLength(1);
  });

  describe('nothing removed such accounts: expired invitations go on a schedule, on every engine', () => {
    // The Lambda engine's schedule rule is test/deployment.e2e-spec.ts's.
    const scheduled = { ACCOUNT_REPAIR_INTERVAL_MINUTES: '60' };
    const exists = (username: string) =>
      getUserAttributes(stack.pool, username).then(
        () => true,
        (error: Error) => (error.name === 'UserNotFoundException' ? false : Promise.reject(error)),
      );

    it('in process: one run per interval of the clock; only invitations whose links expired go', async () => {
      const { app } = await stack.bootApp({ env: scheduled });
      try {
        const queue = app.get<JobQueue, InProcessJobQueue>(JobQueue);
        const lapsed = await squat(freshEmail('lapsed'));
        expect(queue.enqueueDue()).toBe(0);
        // Past the activation link's 168 h, and past the interval.
        clock.advanceHours(169);
        const fresh = await squat(freshEmail('fresh'));
        queue.enqueueDue();
        await jobsDone(app);
        expect(await exists(lapsed.username)).toBe(false);
        expect(await exists(fresh.username)).toBe(true);
        expect((await activate(lapsed)).statusCode).toBe(400);
      } finally {
        await app.close();
      }
    });

    it('on BullMQ: one job scheduler in Redis for every instance; its next run removes the expired invitation', async () => {
      const redis = await startRedis();
      const env = { ...scheduled, REDIS_URL: redis.url };
      const instances = [await stack.bootApp({ env }), await stack.bootApp({ env })];
      try {
        const { queue } = instances[0].app.get<JobQueue, { queue: Queue }>(JobQueue);
        expect(await queue.getJobSchedulers()).toEqual([
          expect.objectContaining({ key: 'account-repair', every: 3_600_000 }),
        ]);
        const lapsed = await squat(freshEmail('lapsed'));
        clock.advanceHours(169);
        // The run an hour from now, brought forward instead of waited for.
        let next: Awaited<ReturnType<Queue['getDelayed']>>[number] | undefined;
        await until('the next run is scheduled', async () => {
          next = (await queue.getDelayed()).find((job) => job.name === 'account-repair');
          return next !== undefined;
        });
        await next!.promote();
        await until('the expired invitation is gone', async () => !(await exists(lapsed.username)));
      } finally {
        for (const { app } of instances) await app.close();
        await redis.stop();
      }
    }, 60_000);
  });
});
