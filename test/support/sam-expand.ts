import type { Resource, Template } from './template';

/**
 * The SAM transform for the part of it deploy/template.yaml uses, done here so the template can be
 * validated as the plain CloudFormation it becomes: `AWS::Serverless::Function` (with `Globals`,
 * inline `Policies`, `HttpApi`, `SQS` and `Schedule` events) becomes the role, the function, the HTTP
 * API's resources, the event source mapping and the EventBridge rule SAM makes (AWS SAM Developer Guide, "Generated AWS
 * CloudFormation resources for AWS SAM"). Anything else SAM would expand is refused, not dropped:
 * a template that grows past this subset fails its lint until the expansion learns it.
 */

type Json = Record<string, unknown>;

/** The function properties expanded here; SAM knows more, this template uses no more. */
const FUNCTION_PROPERTIES = new Set([
  'CodeUri',
  'Handler',
  'Runtime',
  'Architectures',
  'MemorySize',
  'Timeout',
  'Environment',
  'Policies',
  'Events',
]);
const SQS_EVENT_PROPERTIES = new Set([
  'Queue',
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FunctionResponseTypes',
  'Enabled',
]);

const managedPolicy = (name: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/service-role/${name}`,
});

export function expandSam(template: Template): Json {
  const { Transform, Globals, Resources, ...rest } = template as Template & { Transform?: unknown };
  if (Transform !== 'AWS::Serverless-2016-10-31') throw new Error(`not a SAM template: ${String(Transform)}`);
  const unknownGlobals = Object.keys(Globals ?? {}).filter((section) => section !== 'Function');
  if (unknownGlobals.length > 0) throw new Error(`Globals not expanded here: ${unknownGlobals.join(', ')}`);
  const resources: Record<string, Json> = {};
  for (const [id, resource] of Object.entries(Resources)) {
    if (resource.Type === 'AWS::Serverless::Function') {
      Object.assign(resources, expandFunction(id, withGlobals(resource, Globals?.Function ?? {})));
    } else if (resource.Type.startsWith('AWS::Serverless::')) {
      throw new Error(`${id}: ${resource.Type} is not expanded here`);
    } else {
      resources[id] = resource as unknown as Json;
    }
  }
  return { ...rest, Resources: resources };
}

/** A function's properties over the Globals' (maps such as the environment's variables merged). */
function withGlobals(resource: Resource, globals: Json): Resource {
  const own = resource.Properties;
  const globalVariables = (globals.Environment as { Variables?: Json } | undefined)?.Variables ?? {};
  const ownVariables = (own.Environment as { Variables?: Json } | undefined)?.Variables ?? {};
  const properties: Json = { ...globals, ...own };
  if (Object.keys({ ...globalVariables, ...ownVariables }).length > 0) {
    properties.Environment = { Variables: { ...globalVariables, ...ownVariables } };
  }
  return { ...resource, Properties: properties };
}

function expandFunction(id: string, { Properties: p, Condition }: Resource): Record<string, Json> {
  const unknown = Object.keys(p).filter((name) => !FUNCTION_PROPERTIES.has(name));
  if (unknown.length > 0) throw new Error(`${id}: properties not expanded here: ${unknown.join(', ')}`);
  const events = Object.entries((p.Events ?? {}) as Record<string, { Type: string; Properties?: Json }>);
  const out: Record<string, Json> = {};
  const add = (logicalId: string, Type: string, Properties: Json) => {
    out[logicalId] = { Type, ...(Condition ? { Condition } : {}), Properties };
  };
  const inline = ((p.Policies ?? []) as unknown[]).map((policy, i) => {
    if (typeof policy !== 'object' || policy === null || !('Statement' in policy)) {
      throw new Error(`${id}: only inline policy documents are expanded here`);
    }
    return { PolicyName: `${id}RolePolicy${i}`, PolicyDocument: { Version: '2012-10-17', ...policy } };
  });
  add(`${id}Role`, 'AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['sts:AssumeRole'], Principal: { Service: ['lambda.amazonaws.com'] } },
      ],
    },
    ManagedPolicyArns: [
      managedPolicy('AWSLambdaBasicExecutionRole'),
      ...(events.some(([, e]) => e.Type === 'SQS') ? [managedPolicy('AWSLambdaSQSQueueExecutionRole')] : []),
    ],
    ...(inline.length > 0 ? { Policies: inline } : {}),
  });
  const { CodeUri, Events, Policies, ...functionProperties } = p;
  void [CodeUri, Events, Policies];
  add(id, 'AWS::Lambda::Function', {
    // `sam deploy` uploads CodeUri's folder and puts its S3 location here.
    Code: { S3Bucket: 'sam-artifacts', S3Key: `${id}.zip` },
    ...functionProperties,
    Role: { 'Fn::GetAtt': [`${id}Role`, 'Arn'] },
  });
  for (const [name, event] of events) {
    switch (event.Type) {
      case 'SQS':
        add(
          `${id}${name}`,
          'AWS::Lambda::EventSourceMapping',
          sqsEventSource(id, name, event.Properties ?? {}),
        );
        break;
      case 'HttpApi':
        Object.assign(out, httpApi(id, name, event.Properties ?? {}));
        break;
      case 'Schedule':
        Object.assign(out, scheduleRule(id, name, event.Properties ?? {}));
        break;
      default:
        throw new Error(`${id}.${name}: events of type ${event.Type} are not expanded here`);
    }
  }
  return out;
}

function sqsEventSource(id: string, name: string, properties: Json): Json {
  const unknown = Object.keys(properties).filter((key) => !SQS_EVENT_PROPERTIES.has(key));
  if (unknown.length > 0)
    throw new Error(`${id}.${name}: SQS event properties not expanded here: ${unknown.join(', ')}`);
  if (properties.Queue === undefined) throw new Error(`${id}.${name}: an SQS event needs its Queue`);
  const { Queue, ...rest } = properties;
  return { EventSourceArn: Queue, FunctionName: { Ref: id }, ...rest };
}

/** An EventBridge rule on a schedule that targets the function, and its permission to invoke it. */
function scheduleRule(id: string, name: string, { Schedule, ...rest }: Json): Record<string, Json> {
  if (Object.keys(rest).length > 0)
    throw new Error(
      `${id}.${name}: Schedule event properties not expanded here: ${Object.keys(rest).join(', ')}`,
    );
  if (Schedule === undefined) throw new Error(`${id}.${name}: a Schedule event needs its Schedule`);
  return {
    [`${id}${name}`]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: Schedule,
        Targets: [{ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, Id: `${id}${name}LambdaTarget` }],
      },
    },
    [`${id}${name}Permission`]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: id },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [`${id}${name}`, 'Arn'] },
      },
    },
  };
}

/** The implicit API (`ServerlessHttpApi`) with its `$default` stage, and the function's route on it. */
function httpApi(id: string, name: string, properties: Json): Record<string, Json> {
  if (Object.keys(properties).length > 0)
    throw new Error(`${id}.${name}: HttpApi properties are not expanded here`);
  const api = { Ref: 'ServerlessHttpApi' };
  const functionArn = { 'Fn::GetAtt': [id, 'Arn'] };
  return {
    ServerlessHttpApi: {
      Type: 'AWS::ApiGatewayV2::Api',
      Properties: { Name: { Ref: 'AWS::StackName' }, ProtocolType: 'HTTP' },
    },
    ServerlessHttpApiApiGatewayDefaultStage: {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: { ApiId: api, StageName: '$default', AutoDeploy: true },
    },
    [`${id}${name}Integration`]: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        ApiId: api,
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: functionArn,
        PayloadFormatVersion: '2.0',
      },
    },
    [`${id}${name}Route`]: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        ApiId: api,
        RouteKey: '$default',
        Target: { 'Fn::Join': ['/', ['integrations', { Ref: `${id}${name}Integration` }]] },
      },
    },
    [`${id}${name}Permission`]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: id },
        Principal: 'apigateway.amazonaws.com',
        // SAM writes it as an Fn::Sub; the npm validator leaves the `${}` of every Fn::Sub in place
        // and then refuses the result as an ARN, so the same value is joined here.
        SourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':',
              { Ref: 'ServerlessHttpApi' },
              '/*',
            ],
          ],
        },
      },
    },
  };
}
