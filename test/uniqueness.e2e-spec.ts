import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { cognitoClient, getUserAttributes, listUsersByEmail, signInFrontend } from './support/cognito-pool';
import { ACTIVATION_LINK_PREFIX, CONFIRMATION_LINK_PREFIX } from './support/env';
import { activatedUser, linkParams, TEST_PASSWORD } from './support/flows';
import { jobsDone } from './support/jobs';
import { decodeJwt } from './support/jwt';
import { startRedis, type RedisServer } from './support/redis';
import { startStack, type TestStack } from './support/stack';

/**
 * One address, one account, although ListUsers lags behind writes as Cognito's may ("ListUsers is
 * eventually consistent"): the fidelity layer leaves out of ListUsers every user written in the last
 * LAG_MS. Holders are counted on moto directly, which is always current.
 */
const LAG_MS = 1_500;

type App = NestFastifyApplication;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function uniquenessSuite(name: string, withRedis: boolean) {
  describe(name, () => {
    let redis: RedisServer | undefined;
    let stack: TestStack;
    /** The instances requests are spread over (one, or two sharing Redis). */
    let apps: App[];
    let n = 0;
    const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;

    beforeAll(async () => {
      redis = withRedis ? await startRedis() : undefined;
      stack = await startStack({
        listUsersLagMs: LAG_MS,
        env: redis ? { REDIS_URL: redis.url } : {},
      });
      apps = redis ? [stack.app, (await stack.bootApp()).app] : [stack.app];
    });
    afterAll(async () => {
      await stack?.close();
      await redis?.stop();
    });

    const appFor = (i: number) => apps[i % apps.length];
    const allJobsDone = () => Promise.all(apps.map((app) => jobsDone(app)));
    const signup = (email: string, i = 0) =>
      appFor(i).inject({ method: 'POST', url: '/accounts/signup', payload: { email } });
    const complete = ({ username, token }: { username: string; token: string }, password = TEST_PASSWORD) =>
      stack.app.inject({
        method: 'POST',
        url: '/accounts/signup/complete',
        payload: { username, token, password },
      });

    /** Every account holding the address, as moto has it now (no lag). */
    const holders = (email: string) => {
      const direct = cognitoClient(stack.moto.endpoint);
      return listUsersByEmail({ client: direct, userPoolId: stack.pool.userPoolId }, email).finally(() =>
        direct.destroy(),
      );
    };
    const activationLinks = (email: string) =>
      stack.smtp.mailsTo(email).map((mail) => linkParams(mail.text, ACTIVATION_LINK_PREFIX));

    it('runs with ListUsers lagging', async () => {
      const user = await activatedUser(stack, freshEmail('lagcheck'));
      // Written just now: still missing from ListUsers through the layer, present on moto.
      expect(await listUsersByEmail(stack.pool, user.email)).toHaveLength(0);
      expect(await holders(user.email)).toHaveLength(1);
    });

    it('a burst of ten signups for one address makes one account, whose links all work', async () => {
      const email = freshEmail('burst');
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => signup(email, i)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(202));
      await stack.smtp.waitForMail(email, { count: 10 });
      await allJobsDone();

      const accounts = await holders(email);
      expect(accounts).toHaveLength(1);
      const links = activationLinks(email);
      expect(links).toHaveLength(10);
      expect(new Set(links.map((link) => link.username))).toEqual(new Set([accounts[0].Username]));
      // Any of them activates the one account (earlier links keep working).
      expect((await complete(links[3])).statusCode).toBe(200);
      await expect(signInFrontend(stack.pool, email, TEST_PASSWORD)).resolves.toBeDefined();
    });

    it('two signups 300 ms apart make one account', async () => {
      const email = freshEmail('apart');
      expect((await signup(email, 0)).statusCode).toBe(202);
      await stack.smtp.waitForMail(email);
      await sleep(300);
      expect((await signup(email, 1)).statusCode).toBe(202);
      await stack.smtp.waitForMail(email, { count: 2 });
      await allJobsDone();

      const accounts = await holders(email);
      expect(accounts).toHaveLength(1);
      expect(activationLinks(email).map((link) => link.username)).toEqual([
        accounts[0].Username,
        accounts[0].Username,
      ]);
    });

    it('signing up again right after activating sends "account exists" and resets nothing', async () => {
      const email = freshEmail('again');
      expect((await signup(email, 0)).statusCode).toBe(202);
      const link = linkParams((await stack.smtp.waitForMail(email)).text, ACTIVATION_LINK_PREFIX);
      expect((await complete(link)).statusCode).toBe(200);
      const before = await getUserAttributes(stack.pool, link.username);
      const passwordSets = stack.fidelity.counts().AdminSetUserPassword ?? 0;

      expect((await signup(email, 1)).statusCode).toBe(202);
      const reminder = await stack.smtp.waitForMail(email, { count: 2 });
      await allJobsDone();

      expect(reminder.text).not.toContain(ACTIVATION_LINK_PREFIX);
      const accounts = await holders(email);
      expect(accounts.map((a) => [a.Username, a.UserStatus])).toEqual([[link.username, 'CONFIRMED']]);
      expect(stack.fidelity.counts().AdminSetUserPassword ?? 0).toBe(passwordSets);
      expect(await getUserAttributes(stack.pool, link.username)).toEqual(before);
      await expect(signInFrontend(stack.pool, email, TEST_PASSWORD)).resolves.toBeDefined();
    });

    it('two confirmations of a change to one address 300 ms apart: one wins, the other gets 409', async () => {
      const [first, second] = [
        await activatedUser(stack, freshEmail('first')),
        await activatedUser(stack, freshEmail('second')),
      ];
      const target = freshEmail('target');
      for (const [i, user] of [first, second].entries()) {
        const requested = await appFor(i).inject({
          method: 'POST',
          url: '/accounts/me/email',
          headers: { authorization: `Bearer ${user.accessToken}` },
          payload: { email: target },
        });
        expect(requested.statusCode).toBe(202);
      }
      await stack.smtp.waitForMail(target, { count: 2 });
      const linkOf = (username: string) => {
        const link = stack.smtp
          .mailsTo(target)
          .map((mail) => linkParams(mail.text, CONFIRMATION_LINK_PREFIX))
          .find((l) => l.username === username);
        if (!link) throw new Error(`no confirmation link for ${username}`);
        return link;
      };
      const confirm = (link: { username: string; token: string }, i: number) =>
        appFor(i).inject({
          method: 'POST',
          url: '/accounts/email/confirm',
          payload: { username: link.username, token: link.token },
        });

      // Which one wins is the order they reach the lock in, which a busy machine may turn around.
      const answers = await Promise.all([
        confirm(linkOf(first.username), 0),
        sleep(300).then(() => confirm(linkOf(second.username), 1)),
      ]);
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
      const [winner, loser] = answers[0].statusCode === 200 ? [first, second] : [second, first];
      expect(answers.find((answer) => answer.statusCode === 409)?.json()).toMatchObject({
        code: 'EMAIL_TAKEN',
      });

      expect((await holders(target)).map((a) => a.Username)).toEqual([winner.username]);
      expect(await getUserAttributes(stack.pool, loser.username)).toMatchObject({
        email: loser.email,
        email_verified: 'true',
      });
      // Each signs in by its own address: nobody lost the alias.
      const byTarget = await signInFrontend(stack.pool, target, TEST_PASSWORD);
      const byLoser = await signInFrontend(stack.pool, loser.email, TEST_PASSWORD);
      expect(decodeJwt(byTarget.AccessToken ?? '').username).toBe(winner.username);
      expect(decodeJwt(byLoser.AccessToken ?? '').username).toBe(loser.username);
    });
  });
}

uniquenessSuite('one account per address with ListUsers 1.5 s behind (one instance)', false);
uniquenessSuite('one account per address with ListUsers 1.5 s behind (two instances sharing Redis)', true);
