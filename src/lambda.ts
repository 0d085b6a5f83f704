import awsLambdaFastify, { type LambdaResponse, type PromiseHandler } from '@fastify/aws-lambda';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type {
  ALBEvent,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  Context,
  ScheduledEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { isAlbEvent, withAlbClientIp } from './alb-client-ip';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createAdapter } from './app.setup';
import { jobsConfig } from './config/configuration';
import { JobFailures } from './jobs/job-failures';
import { JobHandlers, JobQueue } from './jobs/job-queue';
import { RetryPolicy } from './jobs/retry-policy';
import { SqsJobQueue } from './jobs/sqs-queue';
import { isScheduledEvent, SqsJobWorker } from './jobs/sqs-worker';
import { AuditLog } from './logging/audit-log';

/**
 * The Lambda entry points, over the same app as main.ts. The app is made on the first invocation of
 * a container and kept for the next ones; it never listens (requests are injected into Fastify).
 * Lambda freezes the process between invocations, so nothing may run after an answer: jobs go to
 * SQS (QUEUE_ENGINE=sqs) and the `worker` function runs them.
 */
let app: Promise<NestFastifyApplication> | undefined;

async function createApp(): Promise<NestFastifyApplication> {
  const created = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(), APP_OPTIONS);
  configureApp(created);
  await created.init();
  await created.getHttpAdapter().getInstance().ready();
  return created;
}

/** The container's app; a failed start is tried again by the next invocation, not cached. */
function theApp(): Promise<NestFastifyApplication> {
  app ??= createApp().catch((error: unknown) => {
    app = undefined;
    throw error;
  });
  return app;
}

type HttpEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent | ALBEvent;

let proxy: PromiseHandler<HttpEvent, LambdaResponse> | undefined;

/** API Gateway HTTP API (payload 2.0), REST API, function URL and Application Load Balancer events. */
export async function handler(event: HttpEvent, context: Context): Promise<LambdaResponse> {
  proxy ??= awsLambdaFastify<HttpEvent>((await theApp()).getHttpAdapter().getInstance(), {
    decorateRequest: false,
  });
  return proxy(isAlbEvent(event) ? withAlbClientIp(event) : event, context);
}

let jobWorker: SqsJobWorker | undefined;

/**
 * SQS events of the jobs queue (ReportBatchItemFailures on): the failed records are named, not
 * thrown. The template's schedule rule invokes it too: then the scheduled jobs run.
 */
export async function worker(event: SQSEvent | ScheduledEvent): Promise<SQSBatchResponse | undefined> {
  jobWorker ??= sqsWorker(await theApp());
  if (isScheduledEvent(event)) {
    await jobWorker.runScheduled();
    return undefined;
  }
  return jobWorker.handle(event);
}

function sqsWorker(nest: NestFastifyApplication): SqsJobWorker {
  const queue = nest.get(JobQueue, { strict: false });
  if (!(queue instanceof SqsJobQueue)) {
    throw new Error('The worker runs jobs from SQS: set QUEUE_ENGINE=sqs and JOBS_QUEUE_URL');
  }
  const config = nest.get<ConfigType<typeof jobsConfig>>(jobsConfig.KEY);
  return new SqsJobWorker(
    nest.get(JobHandlers, { strict: false }),
    queue,
    new RetryPolicy(config.retry),
    new JobFailures(nest.get(AuditLog, { strict: false })),
    config.concurrency,
  );
}
