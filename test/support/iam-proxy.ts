import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { TOKEN_AUTHORIZED_ACTIONS } from '../../src/cognito/aws-actions';
import { isAllowed, type PolicyStatement } from './aws-iam';

/** One AWS API call as the proxy saw it. */
export interface AwsCall {
  /** The container (its access key's owner), or `harness` for the test's own calls. */
  caller: string;
  action: string;
  /** The ARNs IAM would check, each group satisfied by any one of its ARNs. */
  resources: string[][];
  allowed: boolean;
}

/** Whose credentials an access key is: a container of a function, with that function's policy. */
export interface Principal {
  container: string;
  role: string;
  statements: PolicyStatement[];
}

export interface IamProxy {
  /** e.g. `http://127.0.0.1:41234`: every AWS endpoint of the containers. */
  url: string;
  /** Gives this access key a principal; keys it does not know are the harness's, allowed everything. */
  addPrincipal(accessKeyId: string, principal: Principal): void;
  readonly calls: readonly AwsCall[];
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';
/** X-Amz-Target prefixes of the JSON-protocol services, and IAM's service prefix of each. */
const TARGETS: Record<string, { service: string; json: string; qualified: boolean }> = {
  AWSCognitoIdentityProviderService: { service: 'cognito-idp', json: '1.1', qualified: false },
  AmazonSQS: { service: 'sqs', json: '1.0', qualified: true },
  DynamoDB_20120810: { service: 'dynamodb', json: '1.0', qualified: true },
};

type Body = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The resources IAM checks for the call (AWS Service Authorization Reference, each action's resource types). */
function resourcesOf(service: string, body: Body, region: string): string[][] {
  const arn = (kind: string, resource: string) => `arn:aws:${kind}:${region}:${ACCOUNT}:${resource}`;
  switch (service) {
    case 'cognito-idp':
      return body.UserPoolId ? [[arn('cognito-idp', `userpool/${str(body.UserPoolId)}`)]] : [];
    case 'sqs': {
      if (body.QueueName) {
        const owner = str(body.QueueOwnerAWSAccountId) || ACCOUNT;
        return [[`arn:aws:sqs:${region}:${owner}:${str(body.QueueName)}`]];
      }
      const [, owner, name] = new URL(str(body.QueueUrl)).pathname.split('/');
      return [[`arn:aws:sqs:${region}:${owner}:${name}`]];
    }
    case 'dynamodb':
      return [[arn('dynamodb', `table/${str(body.TableName)}`)]];
    case 'ses': {
      // The sending identity: the From address's own, or its domain's.
      const raw = Buffer.from(
        str((body.Content as { Raw?: { Data?: string } })?.Raw?.Data),
        'base64',
      ).toString();
      const header = str(body.FromEmailAddress) || (/^From:(.*)$/im.exec(raw)?.[1] ?? '');
      const from = (/<([^<>]+)>/.exec(header)?.[1] ?? header).trim();
      const identities = [from, from.split('@')[1] ?? ''].map((id) => arn('ses', `identity/${id}`));
      const set = str(body.ConfigurationSetName);
      return [identities, ...(set ? [[arn('ses', `configuration-set/${set}`)]] : [])];
    }
    default:
      return [];
  }
}

/** The caller's access key and region from the SigV4 Authorization header (unsigned: none). */
function signer(req: IncomingMessage): { accessKey?: string; region: string } {
  const credential = /Credential=([^/]+)\/\d+\/([\w-]+)\//.exec(req.headers.authorization ?? '');
  return { accessKey: credential?.[1], region: credential?.[2] ?? 'eu-west-1' };
}

/** IAM's refusal, in the wire shape of the service's protocol, as the SDK parses it. */
function accessDenied(res: ServerResponse, protocol: string, message: string): void {
  const body =
    protocol === 'rest'
      ? JSON.stringify({ message })
      : JSON.stringify({
          __type:
            protocol === '1.0' ? 'com.amazon.coral.service#AccessDeniedException' : 'AccessDeniedException',
          message,
        });
  res.writeHead(protocol === 'rest' ? 403 : 400, {
    'content-type': protocol === 'rest' ? 'application/json' : `application/x-amz-json-${protocol}`,
    'x-amzn-errortype': 'AccessDeniedException',
    ...(protocol === '1.0' ? { 'x-amzn-query-error': 'AccessDenied;Sender' } : {}),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * IAM in front of the emulators: every AWS call of a container is checked against its function's
 * policy, as AWS checks it, before it reaches the emulator. The action comes from the request itself
 * (X-Amz-Target for Cognito, SQS and DynamoDB; the path for SES v2), the caller from its SigV4
 * credential, the resources from the request's parameters. A call the policy does not allow is
 * answered `AccessDeniedException` and never forwarded. Cognito calls go to `cognito` (the fidelity
 * layer), everything else to `aws` (moto); the Host header is kept, so the queue URLs moto hands out
 * point here too.
 */
export async function startIamProxy({ cognito, aws }: { cognito: string; aws: string }): Promise<IamProxy> {
  const principals = new Map<string, Principal>();
  const calls: AwsCall[] = [];
  const agent = new Agent({ keepAlive: true });

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, target: string) => {
    const out = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.once('error', () => res.destroy());
    out.end(body);
  };

  const handle = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const [prefix = '', operation = ''] = str(req.headers['x-amz-target']).split('.');
    const json = TARGETS[prefix];
    const ses = req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails');
    if (!json && !ses) return forward(req, body, res, aws);
    const service = json?.service ?? 'ses';
    const action = `${service}:${json ? operation : 'SendEmail'}`;
    const { accessKey, region } = signer(req);
    const principal = accessKey ? principals.get(accessKey) : undefined;
    const target = service === 'cognito-idp' ? cognito : aws;
    if (accessKey && !principal) {
      calls.push({ caller: 'harness', action, resources: [], allowed: true });
      return forward(req, body, res, target);
    }
    const parsed = JSON.parse(body.toString('utf8') || '{}') as Body;
    const resources = resourcesOf(service, parsed, region);
    const tokenAuthorized = (TOKEN_AUTHORIZED_ACTIONS as readonly string[]).includes(action);
    // A token-authorized call (GetUser with an access token) is not IAM's to allow or refuse.
    const allowed =
      tokenAuthorized ||
      (principal !== undefined &&
        resources.length > 0 &&
        resources.every((group) => group.some((arn) => isAllowed(principal.statements, action, [arn]))));
    calls.push({ caller: principal?.container ?? 'anonymous', action, resources, allowed });
    if (allowed) return forward(req, body, res, target);
    const who = principal
      ? `arn:aws:sts::${ACCOUNT}:assumed-role/${principal.role}/${principal.container}`
      : 'anonymous';
    const on = resources.map((group) => group[0]).join(', ') || '*';
    accessDenied(
      res,
      json?.json ?? 'rest',
      `User: ${who} is not authorized to perform: ${action} on resource: ${on} ` +
        `because no identity-based policy allows the ${action} action`,
    );
  };

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    buffer(req)
      .then((body) => handle(req, body, res))
      .catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    addPrincipal: (key, principal) => void principals.set(key, principal),
    calls,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
