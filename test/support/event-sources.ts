import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import type { Container } from './deployment';
import { receive, sqsEvent } from './sqs';
import type { StackEvaluator } from './template';

interface EventSource {
  container: Container;
  queueUrl: string;
  queueArn: string;
}

/** The template's SQS events of each container's function, with their queues in this stack. */
function eventSources(stack: StackEvaluator, containers: Container[]): EventSource[] {
  return containers.flatMap((container) => {
    const events = stack.template.Resources[container.function]?.Properties.Events ?? {};
    return Object.values(events as Record<string, { Type: string; Properties: object }>)
      .filter((event) => event.Type === 'SQS')
      .map((event) => {
        const { Queue } = stack.evaluate(event.Properties) as { Queue: string };
        const queue = Object.values(stack.physicalResources).find((r) => r.attributes?.Arn === Queue);
        if (!queue) throw new Error(`no queue ${Queue} in the stack`);
        return { container, queueUrl: queue.ref, queueArn: Queue };
      });
  });
}

/** One invocation with a batch, as the event source mapping makes it: what succeeded is deleted. */
async function invokeWith(
  sqs: SQSClient,
  { container, queueUrl, queueArn }: EventSource,
  messages: Message[],
) {
  const { batchItemFailures } = await container.lambda.invoke('worker', sqsEvent(messages, queueArn));
  const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
  const Entries = messages
    .filter((m) => !failed.has(m.MessageId ?? ''))
    .map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
  if (Entries.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lambda's event source mappings of the template's SQS events: each container of the function
 * polls the queue and is invoked with what it received; the messages it did not report as failed
 * are deleted.
 */
export function startEventSources(stack: StackEvaluator, containers: Container[], sqs: SQSClient) {
  const sources = eventSources(stack, containers);
  let stopped = false;
  let paused = false;
  let idle = 0;
  let running = 0;
  const loops = sources.map(async (source) => {
    while (!stopped) {
      if (paused) {
        idle++;
        await sleep(50);
        idle--;
        continue;
      }
      const messages = await receive(sqs, source.queueUrl, 1).catch(() => []);
      if (messages.length === 0) continue;
      running++;
      try {
        await invokeWith(sqs, source, messages);
      } finally {
        running--;
      }
    }
  });
  const queued = async () => {
    let total = 0;
    for (const url of new Set(sources.map((s) => s.queueUrl))) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
      );
      total +=
        Number(Attributes.ApproximateNumberOfMessages) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    }
    return total;
  };
  const pause = async () => {
    paused = true;
    while (idle < loops.length) await sleep(20);
  };
  return {
    /** Resolves once the queues are empty and no container runs a batch. */
    settled: async (timeoutMs = 30_000) => {
      for (let quiet = 0, deadline = Date.now() + timeoutMs; quiet < 2;) {
        if (Date.now() > deadline) throw new Error('the jobs did not settle');
        await sleep(150);
        quiet = running === 0 && (await queued()) === 0 ? quiet + 1 : 0;
      }
    },
    /**
     * Lambda scaling out: with the pollers held, everything queued is received at once and split
     * between the containers, which run their batches at the same time.
     */
    deliverSplit: async () => {
      await pause();
      try {
        const [first] = sources;
        if (!first) return;
        const messages: Message[] = [];
        for (
          let batch = await receive(sqs, first.queueUrl);
          batch.length > 0;
          batch = await receive(sqs, first.queueUrl)
        ) {
          messages.push(...batch);
        }
        const sharing = sources.filter((s) => s.queueUrl === first.queueUrl);
        await Promise.all(
          sharing.map((source, i) => {
            const share = messages.filter((_, n) => n % sharing.length === i);
            return share.length > 0 ? invokeWith(sqs, source, share) : Promise.resolve();
          }),
        );
      } finally {
        paused = false;
      }
    },
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * What EventBridge hands the function when one of its template's `Schedule` rules fires (the SAM
 * rule's logical id is the function's and the event's; no `Input` on the target).
 */
export function scheduledEvent(stack: StackEvaluator, functionId: string, at = new Date()): ScheduledEvent {
  const events = (stack.template.Resources[functionId]?.Properties.Events ?? {}) as Record<
    string,
    { Type: string }
  >;
  const [name] = Object.entries(events).find(([, event]) => event.Type === 'Schedule') ?? [];
  if (!name) throw new Error(`${functionId} has no Schedule event`);
  const region = String(stack.evaluate({ Ref: 'AWS::Region' }));
  const accountId = String(stack.evaluate({ Ref: 'AWS::AccountId' }));
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: accountId,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${accountId}:rule/${functionId}${name}`],
    detail: {},
  };
}
