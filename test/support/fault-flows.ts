import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { VERIFICATION_ATTRIBUTE } from '../../src/cognito/attributes';
import { getUserAttributes, listUsersByEmail, signInFrontend } from './cognito-pool';
import { ACTIVATION_LINK_PREFIX, CONFIRMATION_LINK_PREFIX } from './env';
import type { Answer, App, Flow, Link, User } from './fault-table';
import { activatedUser, linkParams, TEST_PASSWORD } from './flows';
import type { TestStack } from './stack';

/** What the flows share with the suite: its stack (once started) and every answer the service gave. */
export interface FaultWorld {
  stack: TestStack;
  answers: Answer[];
}

/** The flows of the fault table (test/faults.e2e-spec.ts), each preparing an account for one try. */
export function faultFlows(world: FaultWorld) {
  let n = 0;
  const freshEmail = (tag: string) => `${tag}${++n}.${Date.now()}@example.test`;
  const send = async (app: App, options: Parameters<App['inject']>[0]) => {
    const answer = await app.inject(options);
    world.answers.push(answer);
    return answer;
  };
  const bearer = (user: User) => ({ authorization: `Bearer ${user.accessToken}` });
  const complete = (app: App, { username, token }: Link) =>
    send(app, {
      method: 'POST',
      url: '/accounts/signup/complete',
      payload: { username, token, password: TEST_PASSWORD },
    });
  const confirm = (app: App, { username, token }: Link) =>
    send(app, { method: 'POST', url: '/accounts/email/confirm', payload: { username, token } });
  const newestLink = (email: string, prefix: string) =>
    linkParams(world.stack.smtp.mailsTo(email).at(-1)?.text, prefix);

  const succeed = async (answer: Promise<Answer>, status: number) => {
    const settled = await answer;
    if (settled.statusCode !== status)
      throw new Error(`setup answered ${settled.statusCode}: ${settled.body}`);
  };
  const signup = (app: App, email: string) =>
    send(app, { method: 'POST', url: '/accounts/signup', payload: { email } });
  const signedUp = async (email: string) => {
    await succeed(signup(world.stack.app, email), 202);
    await jobMail(email, 0);
    return newestLink(email, ACTIVATION_LINK_PREFIX);
  };
  const requestChange = (app: App, user: User, email: string) =>
    send(app, { method: 'POST', url: '/accounts/me/email', headers: bearer(user), payload: { email } });
  const userWithPendingChange = async () => {
    const user = await activatedUser(world.stack, freshEmail('old'));
    const newEmail = freshEmail('new');
    await succeed(requestChange(world.stack.app, user, newEmail), 202);
    await jobMail(newEmail, 0);
    return { user, newEmail, link: newestLink(newEmail, CONFIRMATION_LINK_PREFIX) };
  };

  /** The mail the flow's job sends, once it has arrived. */
  // A job that met a fault waits its backoff, and after throttling its SDK paces it: give it time.
  const jobMail = (email: string, before: number) =>
    world.stack.smtp.waitForMail(email, { count: before + 1, timeoutMs: 25_000 });

  /** A second not-activated account for the address, as a race between two instances leaves one. */
  const createRaceLeftover = (email: string) =>
    world.stack.pool.client.send(
      new AdminCreateUserCommand({
        UserPoolId: world.stack.pool.userPoolId,
        Username: randomUUID(),
        TemporaryPassword: 'Leftover-Temp-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );

  /**
   * One account for the address; one activation mail per request, each link naming that account
   * (a further link leaves earlier ones working, so the first one activates it).
   */
  const expectOneActivatableAccount = async (email: string, requests = 1) => {
    const accounts = await listUsersByEmail(world.stack.pool, email);
    expect(accounts).toHaveLength(1);
    const links = world.stack.smtp
      .mailsTo(email)
      .map((mail) => linkParams(mail.text, ACTIVATION_LINK_PREFIX));
    expect(links.map((link) => link.username)).toEqual(Array(requests).fill(accounts[0].Username));
    expect((await complete(world.stack.app, links[0])).statusCode).toBe(200);
  };

  /** The account has this verified email and no change pending, in Cognito and in the profile. */
  const expectSettledEmail = async (user: User, email: string) => {
    expect(await getUserAttributes(world.stack.pool, user.username)).toMatchObject({
      email,
      email_verified: 'true',
    });
    const profile = await send(world.stack.app, {
      method: 'GET',
      url: '/accounts/me',
      headers: bearer(user),
    });
    expect(profile.json()).toMatchObject({ email, pendingEmail: null });
  };

  const expectNoPendingAttributes = async (user: User) => {
    const attributes = await getUserAttributes(world.stack.pool, user.username);
    expect(attributes.preferred_username).toBeUndefined();
    expect(attributes[VERIFICATION_ATTRIBUTE]).toBeUndefined();
  };

  const expectEmailUnchanged = async (user: User) =>
    expect(await getUserAttributes(world.stack.pool, user.username)).toMatchObject({ email: user.email });

  const flows: Flow[] = [
    {
      name: 'signup (new address)',
      calls: ['ListUsers', 'AdminCreateUser'],
      jobFrom: 0,
      write: 'AdminCreateUser',
      sendsMail: true,
      status: 202,
      prepare: () => {
        const email = freshEmail('new');
        return Promise.resolve({
          run: (app) => signup(app, email),
          mailTo: email,
          verify: () => expectOneActivatableAccount(email),
        });
      },
    },
    {
      // With a leftover of an earlier race, so that the clean-up's AdminDeleteUser is a step too.
      // Holders are read again one by one (AdminGetUser): the first account and the leftover.
      name: 'signup again (not activated)',
      calls: ['ListUsers', 'AdminGetUser', 'AdminGetUser', 'AdminDeleteUser', 'AdminUpdateUserAttributes'],
      jobFrom: 0,
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      status: 202,
      prepare: async () => {
        const email = freshEmail('again');
        await signedUp(email);
        await createRaceLeftover(email);
        return {
          run: (app) => signup(app, email),
          mailTo: email,
          verify: () => expectOneActivatableAccount(email, 2),
        };
      },
    },
    {
      // The password is the last write: it is what makes the account active and the link spent.
      name: 'complete signup',
      calls: ['AdminGetUser', 'ListUsers', 'AdminUpdateUserAttributes', 'AdminSetUserPassword'],
      write: 'AdminSetUserPassword',
      spentByLateWrite: 'INVALID_ACTIVATION_LINK',
      status: 200,
      prepare: async () => {
        const email = freshEmail('complete');
        const link = await signedUp(email);
        return {
          run: (app) => complete(app, link),
          verify: async (answer, { late }) => {
            if (!late) expect(answer.json()).toEqual({ username: link.username, email });
            expect(await getUserAttributes(world.stack.pool, link.username)).toMatchObject({
              UserStatus: 'CONFIRMED',
              email_verified: 'true',
            });
            await expect(
              signInFrontend(world.stack.pool, link.username, TEST_PASSWORD),
            ).resolves.toBeDefined();
          },
        };
      },
    },
    {
      // GetUser is AccessGuard's (a write route): the request's own; the rest is the job's.
      name: 'request email change',
      calls: ['GetUser', 'AdminGetUser', 'ListUsers', 'AdminUpdateUserAttributes'],
      jobFrom: 1,
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      status: 202,
      prepare: async () => {
        const user = await activatedUser(world.stack, freshEmail('old'));
        const newEmail = freshEmail('new');
        return {
          run: (app) => requestChange(app, user, newEmail),
          mailTo: newEmail,
          afterFailure: () => expectEmailUnchanged(user),
          verify: async () => {
            await expectEmailUnchanged(user);
            expect(world.stack.smtp.mailsTo(newEmail)).toHaveLength(1);
            const confirmed = await confirm(world.stack.app, newestLink(newEmail, CONFIRMATION_LINK_PREFIX));
            expect(confirmed.json()).toEqual({ email: newEmail });
            await expectSettledEmail(user, newEmail);
            await expectNoPendingAttributes(user);
          },
        };
      },
    },
    {
      name: 'confirm email change',
      calls: [
        'AdminGetUser',
        'ListUsers',
        'AdminUpdateUserAttributes',
        'AdminDeleteUserAttributes',
        // The "this wasn't me" link's seal, stored for the notice to the old address.
        'AdminUpdateUserAttributes',
      ],
      write: 'AdminUpdateUserAttributes',
      sendsMail: true,
      // The change is made and its link spent by then: see EmailChangeService.
      bestEffort: ['AdminDeleteUserAttributes', 'AdminUpdateUserAttributes #2', 'mail'],
      spentByLateWrite: 'INVALID_CONFIRMATION_LINK',
      status: 200,
      prepare: async () => {
        const { user, newEmail, link } = await userWithPendingChange();
        return {
          run: (app) => confirm(app, link),
          verify: async (answer, { failed, late }) => {
            if (!late) expect(answer.json()).toEqual({ email: newEmail });
            await expectSettledEmail(user, newEmail);
            // Left behind when their removal failed: inert, as the spent link shows.
            if (failed !== 'AdminDeleteUserAttributes') await expectNoPendingAttributes(user);
            expect((await confirm(world.stack.app, link)).json()).toMatchObject({
              code: 'INVALID_CONFIRMATION_LINK',
            });
            // The activation mail, and the notice of the change unless the mail server failed or
            // the change landed after the service had answered (nobody was left to send it).
            expect(world.stack.smtp.mailsTo(user.email)).toHaveLength(failed === 'mail' || late ? 1 : 2);
          },
        };
      },
    },
    {
      name: 'cancel email change',
      calls: ['GetUser', 'AdminGetUser', 'AdminDeleteUserAttributes'],
      write: 'AdminDeleteUserAttributes',
      status: 204,
      prepare: async () => {
        const { user, link } = await userWithPendingChange();
        return {
          run: (app) => send(app, { method: 'DELETE', url: '/accounts/me/email', headers: bearer(user) }),
          afterFailure: () => expectEmailUnchanged(user),
          verify: async () => {
            await expectSettledEmail(user, user.email);
            await expectNoPendingAttributes(user);
            expect((await confirm(world.stack.app, link)).json()).toMatchObject({
              code: 'INVALID_CONFIRMATION_LINK',
            });
          },
        };
      },
    },
  ];
  return { flows, jobMail };
}
