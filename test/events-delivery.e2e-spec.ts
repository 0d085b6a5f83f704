import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Clock } from '../src/common/clock';
import { adminUser, bearer } from './support/admin';
import { DEFAULT_REGION, TEST_CREDENTIALS } from './support/cognito-pool';
import { activatedUser } from './support/flows';
import { ManualClock } from './support/manual-clock';
import { receive } from './support/sqs';
import { startStack, type TestStack } from './support/stack';
import { until } from './support/until';
import { newWebhookSecret, WebhookReceiver, webhookEnv } from './support/webhook-receiver';

jest.setTimeout(90_000);

interface DeadLetterView {
  id: string;
  sink: string;
  attempts: number;
  event: { id: string; type: string; occurredAt: string; data: { username: string } };
}

describe('lifecycle events: delivery at least once, dead letters and replay, EventBridge (moto)', () => {
  const receiver = new WebhookReceiver(newWebhookSecret());
  const clock = new ManualClock();
  let stack: TestStack;
  let adminToken: string;
  let n = 0;
  const freshEmail = (tag = 'delivery') => `${tag}${++n}.${Date.now()}@example.test`;

  const deadLetters = async (username: string) =>
    (
      await stack.app.inject({
        method: 'GET',
        url: '/admin/events/dead-letters',
        headers: bearer(adminToken),
      })
    )
      .json<{ deadLetters: DeadLetterView[] }>()
      .deadLetters.filter((letter) => letter.event.data.username === username)
      .sort((a, b) => Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt));
  const replay = (id: string) =>
    stack.app.inject({
      method: 'POST',
      url: `/admin/events/dead-letters/${id}/replay`,
      headers: bearer(adminToken),
    });
  /** How many times each event of the account was delivered (and verified). */
  const deliveriesById = (username: string) => {
    const counts = new Map<string, number>();
    for (const event of receiver.deliveries.filter((each) => each.data.username === username)) {
      counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
    }
    return [...counts.values()];
  };

  beforeAll(async () => {
    await receiver.start();
    stack = await startStack({
      env: webhookEnv(receiver),
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    adminToken = (await adminUser(stack, freshEmail('admin'))).accessToken;
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
    await receiver.stop();
  });
  afterEach(() => {
    receiver.down = false;
    clock.reset();
  });

  it('a receiver down for a while gets every event afterwards, once per id, nothing lost', async () => {
    receiver.down = true;
    const refusedBefore = receiver.refused;
    const user = await activatedUser(stack, freshEmail());
    // Both events were tried, and refused, at least once, then again by the queue's backoff.
    await until('both events refused twice', () => receiver.refused >= refusedBefore + 4);
    expect(receiver.events(user.username)).toEqual([]);
    receiver.down = false;
    await receiver.waitFor(user.username, 2);
    expect(receiver.types(user.username)).toEqual(['account.invited', 'account.activated']);
    expect(deliveriesById(user.username)).toEqual([1, 1]);
    expect(await deadLetters(user.username)).toEqual([]);
  });

  it('past the retry horizon the event is a dead letter; an admin replays it, the same id arrives once', async () => {
    receiver.down = true;
    const refusedBefore = receiver.refused;
    const user = await activatedUser(stack, freshEmail());
    await until('both events refused', () => receiver.refused >= refusedBefore + 2);
    // A day and more later (JOB_RETRY_HORIZON_HOURS is 24): the next failure is the last.
    clock.advanceHours(25);
    await until('both events dead-lettered', async () => (await deadLetters(user.username)).length === 2);
    const letters = await deadLetters(user.username);
    expect(letters.map((letter) => [letter.sink, letter.event.type])).toEqual([
      ['webhook-1', 'account.invited'],
      ['webhook-1', 'account.activated'],
    ]);
    receiver.down = false;
    for (const letter of letters) expect((await replay(letter.id)).statusCode).toBe(202);
    await receiver.waitFor(user.username, 2);
    expect(receiver.events(user.username).map((event) => event.id)).toEqual(letters.map((l) => l.event.id));
    expect(deliveriesById(user.username)).toEqual([1, 1]);
    expect(await deadLetters(user.username)).toEqual([]);
    // Replayed once: a second replay finds nothing.
    expect((await replay(letters[0].id)).statusCode).toBe(404);
    expect(stack.logs.text).not.toContain('receiver-credential');
  });

  it('the dead letters are for admins only, and a malformed id is a 400', async () => {
    const user = await activatedUser(stack, freshEmail());
    const list = await stack.app.inject({
      method: 'GET',
      url: '/admin/events/dead-letters',
      headers: bearer(user.accessToken),
    });
    expect(list.statusCode).toBe(403);
    expect((await stack.app.inject({ method: 'GET', url: '/admin/events/dead-letters' })).statusCode).toBe(
      401,
    );
    expect((await replay('not-an-id')).statusCode).toBe(400);
  });

  it('with EVENT_BUS_NAME every event is also put on the bus: a rule sends them to an SQS queue', async () => {
    const endpoint = stack.moto.endpoint;
    const aws = { endpoint, region: DEFAULT_REGION, credentials: TEST_CREDENTIALS };
    const events = new EventBridgeClient(aws);
    const sqs = new SQSClient(aws);
    const bus = `accounts-events-${Date.now()}`;
    await events.send(new CreateEventBusCommand({ Name: bus }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${bus}-target` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'accounts',
        EventBusName: bus,
        EventPattern: '{"source":["cognito-accounts"]}',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'accounts',
        EventBusName: bus,
        Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
      }),
    );
    const { app } = await stack.bootApp({ env: { EVENT_BUS_NAME: bus, EVENTBRIDGE_ENDPOINT: endpoint } });
    const user = await activatedUser({ ...stack, app }, freshEmail('bus'));
    type BusEvent = {
      'detail-type': string;
      source: string;
      detail: { id: string; data: { username: string } };
    };
    const byMessage = new Map<string, BusEvent>();
    await until('both events on the queue', async () => {
      for (const message of await receive(sqs, QueueUrl ?? '')) {
        byMessage.set(message.MessageId ?? '', JSON.parse(message.Body ?? '{}') as BusEvent);
      }
      return byMessage.size >= 2;
    });
    const received = [...byMessage.values()];
    expect(received.map((event) => [event.source, event['detail-type'], event.detail.data.username])).toEqual(
      [
        ['cognito-accounts', 'account.invited', user.username],
        ['cognito-accounts', 'account.activated', user.username],
      ],
    );
    // The same events, with the same ids, went to the webhook receiver too.
    await receiver.waitFor(user.username, 2);
    expect(received.map((event) => event.detail.id)).toEqual(receiver.events(user.username).map((e) => e.id));
    events.destroy();
    sqs.destroy();
  });
});
