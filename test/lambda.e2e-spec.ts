import { RetryPolicy } from '../src/jobs/retry-policy';
import { startMoto, type MotoServer } from '../tools/moto';
import { createPool, signInFrontend, type TestPool } from './support/cognito-pool';
import { coordinationTableEnv, createCoordinationTable } from './support/dynamodb';
import { ACTIVATION_LINK_PREFIX, testEnv } from './support/env';
import { linkParams, TEST_PASSWORD } from './support/flows';
import {
  albEvent,
  buildBundle,
  httpEvent,
  startLambda,
  type Bundle,
  type LambdaContainer,
} from './support/lambda';
import { startSmtp, type SmtpSink } from './support/smtp';
import { createJobQueues, receive, sqsEvent, type JobQueues } from './support/sqs';

describe('the bundled Lambda functions (API Gateway v2 and SQS events, moto, real SMTP)', () => {
  let moto: MotoServer;
  let pool: TestPool;
  let smtp: SmtpSink;
  let queues: JobQueues;
  let bundle: Bundle;
  let lambda: LambdaContainer;
  let lambdaEnv: Record<string, string>;
  let n = 0;
  const freshEmail = () => `lambda${++n}.${Date.now()}@example.test`;

  beforeAll(async () => {
    bundle = await buildBundle();
    moto = await startMoto();
    pool = await createPool(moto.endpoint);
    smtp = await startSmtp();
    // The redrive policy's maxReceiveCount is the retry policy's attempts, as in deploy/template.yaml.
    const attempts = new RetryPolicy({ backoffBaseMs: 1_000, backoffMaxMs: 900_000, horizonMs: 86_400_000 });
    queues = await createJobQueues(moto.endpoint, attempts.maxAttempts);
    lambdaEnv = {
      ...testEnv({ endpoint: moto.endpoint, pool, smtpUrl: smtp.url }),
      AWS_LAMBDA_FUNCTION_NAME: 'accounts-api',
      QUEUE_ENGINE: 'sqs',
      JOBS_QUEUE_URL: queues.queueUrl,
      // The SDK's own endpoint override: the service has no setting of its own for it.
      AWS_ENDPOINT_URL_SQS: moto.endpoint,
      // Many containers share locks, limits and sign-outs through the table.
      ...coordinationTableEnv(moto.endpoint, await createCoordinationTable(moto.endpoint)),
    };
    lambda = await startLambda(bundle.dir, lambdaEnv);
  }, 60_000);
  afterAll(async () => {
    await lambda?.stop();
    queues?.client.destroy();
    pool?.client.destroy();
    await smtp?.stop();
    await moto?.stop();
    bundle?.remove();
  });

  const http = (method: string, path: string, options?: Parameters<typeof httpEvent>[2]) =>
    lambda.invoke('handler', httpEvent(method, path, options));
  /** What the event source mapping does: receive what is due and invoke the worker with it. */
  const deliverJobs = async () => {
    const messages = await receive(queues.client, queues.queueUrl);
    if (messages.length === 0) return { messages, response: { batchItemFailures: [] } };
    return { messages, response: await lambda.invoke('worker', sqsEvent(messages, queues.queueArn)) };
  };

  it('exports the HTTP handler and the worker', () => {
    expect(lambda.exports.sort()).toEqual(['handler', 'worker']);
  });

  it('answers /health and the Swagger document through the HTTP handler', async () => {
    const health = await http('GET', '/health');
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    expect(health.headers['x-request-id']).toBeTruthy();
    const docs = await http('GET', '/docs-json');
    expect(JSON.parse(docs.body)).toMatchObject({ info: { title: 'cognito-accounts' } });
    // Swagger UI's assets come from the copy beside the bundle.
    expect((await http('GET', '/docs/swagger-ui.css')).statusCode).toBe(200);
  });

  it('signs up, activates from the mail, and reads the profile, every request an API Gateway event', async () => {
    const email = freshEmail();
    const signup = await http('POST', '/accounts/signup', { body: { email } });
    expect(signup.statusCode).toBe(202);
    expect((await deliverJobs()).response).toEqual({ batchItemFailures: [] });

    const mail = await smtp.waitForMail(email);
    const { username, token } = linkParams(mail.text, ACTIVATION_LINK_PREFIX);
    const done = await http('POST', '/accounts/signup/complete', {
      body: { username, token, password: TEST_PASSWORD },
    });
    expect(done.statusCode).toBe(200);
    expect(JSON.parse(done.body)).toEqual({ username, email });

    const { AccessToken } = await signInFrontend(pool, username, TEST_PASSWORD);
    const me = await http('GET', '/accounts/me', { headers: { authorization: `Bearer ${AccessToken}` } });
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ username, email, emailVerified: true });
  });

  it('refuses to serve from a container without a shared store, naming the variable to set', async () => {
    const alone = await startLambda(
      bundle.dir,
      Object.fromEntries(Object.entries(lambdaEnv).filter(([name]) => name !== 'COORDINATION_TABLE')),
    );
    try {
      await expect(alone.invoke('handler', httpEvent('GET', '/health'))).rejects.toThrow(
        /COORDINATION_STORE is memory.*Set COORDINATION_TABLE \(DynamoDB\) or REDIS_URL \(Redis\)/,
      );
    } finally {
      await alone.stop();
    }
  });

  it('keeps the API closed and the errors in shape', async () => {
    const me = await http('GET', '/accounts/me');
    expect(me.statusCode).toBe(401);
    expect(JSON.parse(me.body)).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    const bad = await http('POST', '/accounts/signup', { body: { email: 'not an address' } });
    expect(bad.statusCode).toBe(400);
  });

  it('signup answers before its work: one job on SQS, run by the worker', async () => {
    const email = freshEmail();
    expect((await http('POST', '/accounts/signup', { body: { email } })).statusCode).toBe(202);
    expect(smtp.mailsTo(email)).toHaveLength(0);

    const { messages, response } = await deliverJobs();
    expect(messages).toHaveLength(1);
    // No secret in the queue: the token is made inside the job.
    expect(messages[0]?.Body).not.toMatch(/token/i);
    expect(response).toEqual({ batchItemFailures: [] });
    const mail = await smtp.waitForMail(email);
    expect(linkParams(mail.text, ACTIVATION_LINK_PREFIX).token.length).toBeGreaterThanOrEqual(32);
    expect(await receive(queues.client, queues.queueUrl)).toHaveLength(0);
  });

  it('a mail outage in the worker is a batch item failure, retried by SQS', async () => {
    const email = freshEmail();
    await http('POST', '/accounts/signup', { body: { email } });
    smtp.setRejecting(true, 451);
    try {
      const { messages, response } = await deliverJobs();
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: messages[0]?.MessageId }]);
    } finally {
      smtp.setRejecting(false);
    }
    // Hidden for the backoff (JOB_BACKOFF_BASE_MS, 1 s by default), then delivered again.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const again = await deliverJobs();
    expect(again.messages[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(again.response).toEqual({ batchItemFailures: [] });
    await smtp.waitForMail(email);
  });

  it('behind an ALB, limits each client by the address the ALB saw, not all clients together', async () => {
    const limited = await startLambda(bundle.dir, {
      ...lambdaEnv,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_IP_PER_MINUTE: '2',
    });
    // A malformed activation: answered 400 without any work, but counted by the per-IP limit.
    const attempt = (albSaw: string, clientSent?: string) =>
      limited
        .invoke('handler', albEvent('POST', '/accounts/signup/complete', { body: {}, albSaw, clientSent }))
        .then((res) => res.statusCode);
    try {
      expect([await attempt('198.51.100.7'), await attempt('198.51.100.7')]).toEqual([400, 400]);
      expect(await attempt('198.51.100.7')).toBe(429);
      // A forged entry before the ALB's own does not make a new client.
      expect(await attempt('198.51.100.7', '192.0.2.99')).toBe(429);
      // Another client behind the same ALB keeps its own limit.
      expect(await attempt('203.0.113.50')).toBe(400);
    } finally {
      await limited.stop();
    }
  });
});
