import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateConfigurationSetCommand,
  CreateEmailIdentityCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { startMoto, type MotoServer } from '../../tools/moto';
import { functionPolicy } from './aws-iam';
import { createPool, DEFAULT_REGION, jwksUrl, TEST_CREDENTIALS, type TestPool } from './cognito-pool';
import { startCognitoFidelity, type CognitoFidelity } from '../../tools/cognito-fidelity';
import {
  ACTIVATION_LINK_PREFIX,
  CONFIRMATION_LINK_PREFIX,
  RESET_LINK_PREFIX,
  RESTORE_LINK_PREFIX,
} from './env';
import { startIamProxy, type IamProxy } from './iam-proxy';
import { startLambda, type LambdaContainer } from './lambda';
import { startEventSources } from './event-sources';
import { functionsOf, readTemplate, StackEvaluator, type Stack } from './template';

const ACCOUNT = '123456789012';
const STACK_NAME = 'cognito-accounts';
export const MAIL_DOMAIN = 'example.test';

/** A container of one of the template's functions, with its access key (its role's credentials). */
export interface Container {
  name: string;
  function: string;
  lambda: LambdaContainer;
  /** The environment it was started with. */
  env: Record<string, string>;
}

/**
 * What stands in for AWS: the only variables a container gets beyond what the template gives it
 * and what Lambda itself sets. On AWS every one of them is unset (the SDKs find the regional
 * endpoints; the service reads the pool's keys from the issuer's URL).
 */
export const EMULATOR_VARIABLES = [
  'COGNITO_ENDPOINT',
  'COGNITO_JWKS_URL',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_SESV2',
  'AWS_ENDPOINT_URL_DYNAMODB',
] as const;

/** What Lambda sets in every function's environment (AWS Lambda Developer Guide, "Defined runtime environment variables"). */
export const LAMBDA_VARIABLES: readonly string[] = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'TZ',
];

export function lambdaRuntime(logicalId: string, memory: unknown, accessKey: string): Record<string, string> {
  return {
    AWS_REGION: DEFAULT_REGION,
    AWS_DEFAULT_REGION: DEFAULT_REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: `${STACK_NAME}-${logicalId}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
    AWS_ACCESS_KEY_ID: accessKey,
    AWS_SECRET_ACCESS_KEY: 'role-secret',
    AWS_SESSION_TOKEN: 'role-session',
    TZ: ':UTC',
  };
}

export interface Deployment {
  moto: MotoServer;
  fidelity: CognitoFidelity;
  proxy: IamProxy;
  pool: TestPool;
  stack: StackEvaluator;
  containers: Container[];
  /** The harness's own SQS client (allowed everything), for what the test puts on or reads from queues. */
  sqs: SQSClient;
  /** Resolves once the jobs queue is empty and no worker runs a batch. */
  jobsSettled(timeoutMs?: number): Promise<void>;
  /**
   * Lambda scaling out: with the event sources held, what is queued is received at once and split
   * between the worker containers, which run their batches at the same time.
   */
  deliverSplit(): Promise<void>;
  close(): Promise<void>;
}

const unique = () => randomBytes(4).toString('hex').toUpperCase();

/** The stack's queues and table on moto, made from their template properties, in dependency order. */
async function createResources(stack: StackEvaluator, physical: Stack['physical'], endpoint: string) {
  const sqs = new SQSClient({ endpoint, region: DEFAULT_REGION, credentials: TEST_CREDENTIALS });
  const dynamodb = new DynamoDBClient({ endpoint, region: DEFAULT_REGION, credentials: TEST_CREDENTIALS });
  const pending = Object.entries(stack.template.Resources).filter(
    ([id, r]) => r.Type !== 'AWS::Serverless::Function' && stack.exists(id),
  );
  while (pending.length > 0) {
    const ready = pending.findIndex(([, r]) => {
      try {
        stack.evaluate(r.Properties);
        return true;
      } catch {
        return false;
      }
    });
    if (ready < 0)
      throw new Error(`resources that depend on each other: ${pending.map(([id]) => id).join(', ')}`);
    const [[id, resource]] = pending.splice(ready, 1) as [[string, (typeof pending)[number][1]]];
    const properties = stack.evaluate(resource.Properties) as Record<string, unknown>;
    const name = `${STACK_NAME}-${id}-${unique()}`;
    switch (resource.Type) {
      case 'AWS::SQS::Queue': {
        const attributes = Object.fromEntries(
          Object.entries(properties).map(([key, value]) => [
            key,
            typeof value === 'object' ? JSON.stringify(value) : String(value as string | number),
          ]),
        );
        const { QueueUrl = '' } = await sqs.send(
          new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
        );
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        physical[id] = { ref: QueueUrl, attributes: { Arn: Attributes?.QueueArn ?? '' } };
        break;
      }
      case 'AWS::DynamoDB::Table': {
        const { TimeToLiveSpecification, ...table } = properties;
        const { TableDescription } = await dynamodb.send(
          new CreateTableCommand({
            ...(table as Omit<ConstructorParameters<typeof CreateTableCommand>[0], 'TableName'>),
            TableName: name,
          }),
        );
        if (TimeToLiveSpecification) {
          await dynamodb.send(
            new UpdateTimeToLiveCommand({
              TableName: name,
              TimeToLiveSpecification: TimeToLiveSpecification as never,
            }),
          );
        }
        physical[id] = { ref: name, attributes: { Arn: TableDescription?.TableArn ?? '' } };
        break;
      }
      default:
        throw new Error(`${id}: the deployment e2e does not make ${resource.Type} yet`);
    }
  }
  return { sqs, dynamodb };
}

/**
 * deploy/template.yaml as AWS would run it, on moto: the pool made as `npm run provision` makes it,
 * the SES identity verified, the stack's resources made from the template, and `count` containers
 * of each function, each with only its template environment, Lambda's own variables and
 * EMULATOR_VARIABLES, its AWS calls going through IAM as its function's policy says.
 */
export async function deploy(bundleDir: string, count: Record<string, number>): Promise<Deployment> {
  const moto = await startMoto();
  const fidelity = await startCognitoFidelity({ target: moto.endpoint });
  const proxy = await startIamProxy({ cognito: fidelity.endpoint, aws: moto.endpoint });
  const pool = await createPool(moto.endpoint);
  const ses = new SESv2Client({
    endpoint: moto.endpoint,
    region: DEFAULT_REGION,
    credentials: TEST_CREDENTIALS,
  });
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: MAIL_DOMAIN }));
  await ses.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'accounts-e2e' }));
  ses.destroy();

  const template = readTemplate();
  const physical: Stack['physical'] = {};
  const link = (prefix: string) => `${prefix}?u={username}&t={token}`;
  const stack = new StackEvaluator(template, {
    region: DEFAULT_REGION,
    accountId: ACCOUNT,
    physical,
    parameters: {
      UserPoolId: pool.userPoolId,
      BackendClientId: pool.backendClientId,
      FrontendClientId: pool.frontendClientId,
      ActivationUrl: link(ACTIVATION_LINK_PREFIX),
      EmailConfirmationUrl: link(CONFIRMATION_LINK_PREFIX),
      PasswordResetUrl: link(RESET_LINK_PREFIX),
      EmailRestoreUrl: link(RESTORE_LINK_PREFIX),
      MailFrom: `Cognito Accounts <no-reply@${MAIL_DOMAIN}>`,
      SesIdentity: MAIL_DOMAIN,
      SesConfigurationSet: 'accounts-e2e',
      SesTags: 'app=accounts,env=e2e',
    },
  });
  // Through the proxy (as the harness, allowed everything): moto names queues after the host asked.
  const clients = await createResources(stack, physical, proxy.url);

  const endpoints: Record<(typeof EMULATOR_VARIABLES)[number], string> = {
    COGNITO_ENDPOINT: proxy.url,
    COGNITO_JWKS_URL: jwksUrl(pool),
    AWS_ENDPOINT_URL_SQS: proxy.url,
    AWS_ENDPOINT_URL_SESV2: proxy.url,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
  };
  const containers: Container[] = [];
  for (const [id, resource] of functionsOf(template)) {
    for (let n = 1; n <= (count[id] ?? 0); n++) {
      const name = `${id}-${n}`;
      const accessKey = `ASIA${id.toUpperCase()}${n}${unique()}`;
      proxy.addPrincipal(accessKey, {
        container: name,
        role: `${id}Role`,
        statements: functionPolicy(stack, id),
      });
      const memory = resource.Properties.MemorySize ?? template.Globals.Function.MemorySize;
      const env = { ...stack.environment(id), ...lambdaRuntime(id, memory, accessKey), ...endpoints };
      containers.push({ name, function: id, env, lambda: await startLambda(bundleDir, env) });
    }
  }
  const pollers = startEventSources(stack, containers, clients.sqs);

  return {
    moto,
    fidelity,
    proxy,
    pool,
    stack,
    containers,
    sqs: clients.sqs,
    jobsSettled: pollers.settled,
    deliverSplit: pollers.deliverSplit,
    close: async () => {
      await pollers.stop();
      await Promise.all(containers.map((c) => c.lambda.stop()));
      clients.sqs.destroy();
      clients.dynamodb.destroy();
      pool.client.destroy();
      await proxy.close();
      await fidelity.stop();
      await moto.stop();
    },
  };
}
