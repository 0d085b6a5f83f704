import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { simpleParser, type ParsedMail } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { sealToken } from '../../src/accounts/link-secret';
import { ACTIVATION_ATTRIBUTE } from '../../src/cognito/attributes';
import { listUsersByEmail, signInFrontend } from './cognito-pool';
import type { Container, Deployment } from './deployment';
import { TEST_PASSWORD, linkParams } from './flows';
import { httpEvent } from './lambda';

export interface Answer {
  statusCode: number;
  body: Record<string, unknown>;
}

/** One request through API Gateway to a container of the API, from a client at `ip`. */
export async function call(
  container: Container,
  method: string,
  path: string,
  { body, token, ip = '203.0.113.7' }: { body?: unknown; token?: string; ip?: string } = {},
): Promise<Answer> {
  const event = httpEvent(method, path, {
    body,
    headers: { 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  event.requestContext.http.sourceIp = ip;
  const result = await container.lambda.invoke('handler', event);
  return {
    statusCode: result.statusCode,
    body: result.body ? (JSON.parse(result.body) as Answer['body']) : {},
  };
}

interface MotoRawMessage {
  destinations: string[];
  raw_data: string;
}

/** The mails SES (moto) has accepted for `address`, oldest first, once there are at least `count`. */
export async function mailsTo(deployment: Deployment, address: string, count = 1): Promise<ParsedMail[]> {
  for (const deadline = Date.now() + 15_000; ;) {
    const state = (await (await fetch(`${deployment.moto.endpoint}/moto-api/data.json`)).json()) as {
      ses?: { RawMessage?: MotoRawMessage[] };
    };
    const found = (state.ses?.RawMessage ?? []).filter((m) => m.destinations.includes(address));
    if (found.length >= count) return Promise.all(found.map((m) => simpleParser(m.raw_data)));
    if (Date.now() > deadline) throw new Error(`${found.length} mail(s) to ${address}, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The link with `prefix` in the newest of at least `count` mails to `address`. */
export async function linkIn(deployment: Deployment, address: string, prefix: string, count = 1) {
  const mails = await mailsTo(deployment, address, count);
  return linkParams(mails[mails.length - 1]?.text, prefix);
}

/** Every account holding the address, as Cognito has it now (moto, no lag). */
export async function holders(deployment: Deployment, email: string): Promise<string[]> {
  const users = await listUsersByEmail(deployment.pool, email);
  return users.map((user) => user.Username ?? '');
}

/** Signs in as the app's frontend does (not through the service). */
export async function signIn(deployment: Deployment, username: string, password = TEST_PASSWORD) {
  const { AccessToken = '' } = await signInFrontend(deployment.pool, username, password);
  return AccessToken;
}

/** An invited account whose only activation link expired yesterday, as the service writes one: its username. */
export async function plantExpiredInvitation(deployment: Deployment, email: string): Promise<string> {
  const username = randomUUID();
  const expired = sealToken('x'.repeat(43), [username], new Date(Date.now() - 86_400_000));
  await deployment.pool.client.send(
    new AdminCreateUserCommand({
      UserPoolId: deployment.pool.userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: ACTIVATION_ATTRIBUTE, Value: expired },
      ],
    }),
  );
  return username;
}
