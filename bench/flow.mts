import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { provisionPool } from '../src/provisioning/provision-pool.ts';
import { linkFrom } from '../test/support/links.ts';
import { startMoto } from '../tools/moto.ts';
import { startSmtp, type SmtpSink } from '../test/support/smtp.ts';
import { startCognitoCounter, startSmtpCounter, type CountingProxy } from './counting-proxies.mts';
import { startServer, type ServerProcess } from './servers.mts';
import { ACTIVATION_PREFIX, CONFIRMATION_PREFIX, serviceSpec, type CognitoTarget } from './specs.mts';

/** The service's steps of one account's life, in order; the frontend's own sign-in is not among them. */
export const FLOW_STEPS = ['signup', 'complete', 'email change', 'confirm'] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

export interface FlowResult {
  cycles: number;
  /** Cognito calls per cycle, by step and operation. */
  callsPerCycle: Record<FlowStep, Record<string, number>>;
  /** The service's CPU time per cycle (user + system). */
  cpuMsPerCycle: number;
  /** Wall time per cycle: mostly moto's. */
  wallMsPerCycle: number;
  /** TCP connections the service opened to Cognito and to the SMTP server during the counted cycles. */
  cognitoConnections: number;
  smtpConnections: number;
  mails: number;
}

const REGION = 'eu-west-1';
const PASSWORD = 'Bench-Password-42!';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

interface Stack {
  api: ServerProcess;
  cognito: CountingProxy;
  smtpCounter: CountingProxy;
  sink: SmtpSink;
  /** The frontend app client, straight at moto (not through the counter). */
  signIn(username: string): Promise<string>;
}

async function post(
  api: ServerProcess,
  path: string,
  body: object,
  status: number,
  token?: string,
): Promise<void> {
  const res = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`POST ${path} answered ${res.status}, not ${status}: ${text}`);
}

async function linkTo(sink: SmtpSink, address: string, prefix: string, count = 1) {
  const mail = await sink.waitForMail(address, { count });
  const url = linkFrom(mail.text ?? '', prefix);
  return { username: url.searchParams.get('u') ?? '', token: url.searchParams.get('t') ?? '' };
}

/** One account: signup, activation, the frontend's sign-in, an email change and its confirmation. */
async function cycle(stack: Stack, n: number): Promise<void> {
  const { api, cognito, sink } = stack;
  const email = `bench-${process.pid}-${n}@example.com`;
  const newEmail = `bench-${process.pid}-${n}-new@example.com`;
  cognito.step = 'signup';
  await post(api, '/accounts/signup', { email }, 202);
  const activation = await linkTo(sink, email, ACTIVATION_PREFIX);
  cognito.step = 'complete';
  await post(api, '/accounts/signup/complete', { ...activation, password: PASSWORD }, 200);
  const accessToken = await stack.signIn(activation.username);
  cognito.step = 'email change';
  await post(api, '/accounts/me/email', { email: newEmail }, 202, accessToken);
  const confirmation = await linkTo(sink, newEmail, CONFIRMATION_PREFIX);
  cognito.step = 'confirm';
  await post(api, '/accounts/email/confirm', confirmation, 200);
  // The "your email was changed" notice to the old address ends the cycle.
  await sink.waitForMail(email, { count: 2 });
}

async function provision(endpoint: string): Promise<CognitoTarget> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    const pool = await provisionPool(client, { poolName: 'cognito-accounts-bench' });
    return { endpoint, region: REGION, ...pool };
  } finally {
    client.destroy();
  }
}

function frontendSignIn(pool: CognitoTarget, motoEndpoint: string) {
  const client = new CognitoIdentityProviderClient({
    endpoint: motoEndpoint,
    region: REGION,
    credentials: CREDENTIALS,
  });
  const signIn = async (username: string) => {
    const { AuthenticationResult } = await client.send(
      new InitiateAuthCommand({
        ClientId: pool.frontendClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: PASSWORD },
      }),
    );
    if (!AuthenticationResult?.AccessToken) throw new Error(`sign-in of ${username} gave no access token`);
    return AuthenticationResult.AccessToken;
  };
  return { signIn, close: () => client.destroy() };
}

function perCycle(
  calls: Record<string, Record<string, number>>,
  cycles: number,
): FlowResult['callsPerCycle'] {
  const per = (byOperation: Record<string, number> = {}) =>
    Object.fromEntries(Object.entries(byOperation).map(([operation, n]) => [operation, n / cycles]));
  return Object.fromEntries(
    FLOW_STEPS.map((step) => [step, per(calls[step])]),
  ) as FlowResult['callsPerCycle'];
}

async function measure(stack: Stack, cycles: number): Promise<FlowResult> {
  // One cycle first: the JWKS fetch, first connections and JIT warm-up are not what a flow costs.
  await cycle(stack, 0);
  stack.cognito.reset();
  stack.smtpCounter.reset();
  const mailsBefore = stack.sink.messages.length;
  const cpuBefore = stack.api.cpuMicros();
  const started = performance.now();
  for (let n = 1; n <= cycles; n++) await cycle(stack, n);
  return {
    cycles,
    callsPerCycle: perCycle(stack.cognito.tally.calls, cycles),
    cpuMsPerCycle: (stack.api.cpuMicros() - cpuBefore) / 1000 / cycles,
    wallMsPerCycle: (performance.now() - started) / cycles,
    cognitoConnections: stack.cognito.tally.connections,
    smtpConnections: stack.smtpCounter.tally.connections,
    mails: stack.sink.messages.length - mailsBefore,
  };
}

/**
 * Full account cycles against moto's Cognito (behind a counting proxy) and a real SMTP server
 * (behind a connection counter), the service in its own process as everywhere else.
 */
export async function measureFlow(cycles: number): Promise<FlowResult> {
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const moto = await startMoto();
    stops.push(() => moto.stop());
    const sink = await startSmtp();
    stops.push(() => sink.stop());
    const smtpCounter = await startSmtpCounter(sink.port);
    stops.push(() => smtpCounter.close());
    const cognito = await startCognitoCounter(moto.endpoint);
    stops.push(() => cognito.close());
    const pool = await provision(moto.endpoint);
    const frontend = frontendSignIn(pool, moto.endpoint);
    stops.push(frontend.close);
    const api = await startServer(serviceSpec({ ...pool, endpoint: cognito.url }, smtpCounter.url));
    stops.push(() => api.stop());
    return await measure({ api, cognito, smtpCounter, sink, signIn: frontend.signIn }, cycles);
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
