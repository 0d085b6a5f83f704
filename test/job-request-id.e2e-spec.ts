import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ACTIVATION_LINK_PREFIX } from './support/env';
import { linkParams } from './support/flows';
import { jobsDone } from './support/jobs';
import { startRedis, type RedisServer } from './support/redis';
import { startStack, type TestStack } from './support/stack';

/** What an operator greps by: the lines of a job carry the id of the request that queued it. */
describe("a job's log and audit lines carry the request id of the request that queued it", () => {
  let stack: TestStack;
  let redis: RedisServer;
  let n = 0;
  const freshEmail = () => `request-id${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    [stack, redis] = await Promise.all([startStack(), startRedis()]);
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  /** The request ids on the `activation.sent` audit lines of `username`. */
  const activationRequestIds = (username: string) =>
    stack.logs.entries
      .map(({ text }) => (text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}))
      .filter((line) => line.audit === 'activation.sent' && line.username === username)
      .map((line) => line.requestId);

  /** Signs up two addresses at once, each with its own X-Request-Id; returns each mail's username and id. */
  async function signUpTwo(app: NestFastifyApplication) {
    const signups = [freshEmail(), freshEmail()].map((email) => ({ email, requestId: randomUUID() }));
    const answers = await Promise.all(
      signups.map(({ email, requestId }) =>
        app.inject({
          method: 'POST',
          url: '/accounts/signup',
          payload: { email },
          headers: { 'x-request-id': requestId },
        }),
      ),
    );
    expect(answers.map((res) => res.statusCode)).toEqual([202, 202]);
    const sent = await Promise.all(
      signups.map(async ({ email, requestId }) => {
        const mail = await stack.smtp.waitForMail(email);
        return { username: linkParams(mail.text, ACTIVATION_LINK_PREFIX).username, requestId };
      }),
    );
    // The audit line follows the mail.
    await jobsDone(app);
    return sent;
  }

  it('in process: activation.sent carries the signup request id', async () => {
    for (const { username, requestId } of await signUpTwo(stack.app)) {
      expect(activationRequestIds(username)).toEqual([requestId]);
    }
  });

  it('on BullMQ: activation.sent carries the signup request id', async () => {
    const { app } = await stack.bootApp({ env: { REDIS_URL: redis.url } });
    for (const { username, requestId } of await signUpTwo(app)) {
      expect(activationRequestIds(username)).toEqual([requestId]);
    }
  });
});
