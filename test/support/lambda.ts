import type {
  ALBEvent,
  APIGatewayProxyEventV2,
  ScheduledEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');

export interface Bundle {
  /** The folder holding `lambda.mjs`, `main.mjs` and their files. */
  dir: string;
  remove(): void;
}

/**
 * Bundles the compiled service (`dist/`, from `nest build`) into a folder of this test's own, as
 * `npm run bundle` does: another test's `nest build` empties `dist/` and would take dist/bundle with it.
 */
export async function buildBundle(): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-accounts-bundle-'));
  await promisify(execFile)(
    process.execPath,
    ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(ROOT, 'tools', 'bundle.mts'), '--out', dir],
    { cwd: ROOT },
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What API Gateway hands the HTTP function for a request (payload format 2.0). */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface LambdaContainer {
  /** The bundle's exports, as the host saw them. */
  exports: string[];
  invoke(fn: 'handler', event: APIGatewayProxyEventV2 | ALBEvent): Promise<HttpResult>;
  invoke(fn: 'worker', event: SQSEvent): Promise<SQSBatchResponse>;
  invoke(fn: 'worker', event: ScheduledEvent): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts a process that imports the bundle's `lambda.mjs` with exactly `env`, the way a Lambda
 * container does, and invokes its exports. A process of its own: the bundle is a real ES module on
 * real Node, not loaded through Jest's module system.
 */
export async function startLambda(bundleDir: string, env: Record<string, string>): Promise<LambdaContainer> {
  const bundle = join(bundleDir, 'lambda.mjs');
  const child: ChildProcess = fork(join(__dirname, 'lambda-host.mjs'), [bundle], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  // Shown as it comes, and the end of it kept: a container that dies says why in its invocation's error.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  // 'close', not 'exit': by then the host's stderr has been read to the end, so its last words are in
  // the error. A call sent to a host that is already gone is refused with the same words.
  let gone: Error | undefined;
  child.once('close', (code) => {
    gone = new Error(`the Lambda host exited with ${code}: ${stderr}`);
    for (const call of pending.values()) call.reject(gone);
    pending.clear();
  });
  const names = await new Promise<string[]>((resolveReady, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the Lambda host exited with ${code} before it was ready`)),
    );
    child.on(
      'message',
      (message: { ready?: true; exports?: string[]; id?: number; result?: unknown; error?: string }) => {
        if (message.ready) return resolveReady(message.exports ?? []);
        const call = pending.get(message.id ?? -1);
        pending.delete(message.id ?? -1);
        if (message.error !== undefined) call?.reject(new Error(message.error));
        else call?.resolve(message.result);
      },
    );
  });
  const invoke = (fn: string, event: unknown) =>
    new Promise((resolveCall, reject) => {
      if (gone) return reject(gone);
      const id = ++next;
      pending.set(id, { resolve: resolveCall, reject });
      // A host that exits while the message is on its way fails the send (EPIPE); 'close' then
      // rejects the pending call with the host's own message.
      child.send({ id, fn, event }, () => undefined);
    });
  return {
    exports: names,
    invoke: invoke as LambdaContainer['invoke'],
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill();
      }),
  };
}

/** An API Gateway HTTP API event (payload 2.0) for one request. */
export function httpEvent(
  method: string,
  path: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'e2e',
      'x-forwarded-for': '203.0.113.7',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'e2e' },
      requestId: `req-${now}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/**
 * An Application Load Balancer event for one request: no `sourceIp`; the ALB appended the address it
 * saw (`albSaw`) to whatever X-Forwarded-For the client sent (`clientSent`).
 */
export function albEvent(
  method: string,
  path: string,
  { body, albSaw, clientSent }: { body?: unknown; albSaw: string; clientSent?: string },
): ALBEvent {
  return {
    requestContext: {
      elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/1' },
    },
    httpMethod: method,
    path,
    queryStringParameters: {},
    headers: {
      host: 'api.example.test',
      'x-forwarded-for': clientSent ? `${clientSent}, ${albSaw}` : albSaw,
      'x-forwarded-proto': 'https',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
  };
}
