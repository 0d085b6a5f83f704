import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DEFAULT_REGION, TEST_CREDENTIALS } from './cognito-pool';

export interface JobQueues {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  deadLetterUrl: string;
}

let queueCounter = 0;

/** A jobs queue and its dead-letter queue in moto's SQS, wired as deploy/template.yaml wires them. */
export async function createJobQueues(endpoint: string, maxReceiveCount: number): Promise<JobQueues> {
  const client = new SQSClient({ endpoint, region: DEFAULT_REGION, credentials: TEST_CREDENTIALS });
  const name = `accounts-jobs-${process.pid}-${++queueCounter}`;
  const dead = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const deadLetterUrl = dead.QueueUrl ?? '';
  const deadArn = await arnOf(client, deadLetterUrl);
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadArn, maxReceiveCount }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl ?? '';
  return { client, queueUrl, queueArn: await arnOf(client, queueUrl), deadLetterUrl };
}

async function arnOf(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? '';
}

/** Receives what is visible now (up to 10), with every attribute Lambda's event source hands over. */
export async function receive(client: SQSClient, queueUrl: string, waitSeconds = 0): Promise<Message[]> {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

/** The SQS event Lambda's event source mapping would invoke the worker with for these messages. */
export function sqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((message): SQSRecord => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: message.Attributes?.SentTimestamp ?? '',
        SenderId: message.Attributes?.SenderId ?? '',
        ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? '',
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: DEFAULT_REGION,
    })),
  };
}
