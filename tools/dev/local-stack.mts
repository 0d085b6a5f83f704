import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { MailDev } from 'maildev';
import { provisionPool } from '../../src/provisioning/provision-pool.ts';
import { freePort } from '../child-process.ts';
import { installedMotoPython, startMoto } from '../moto.ts';
import { startCognitoFidelity } from '../cognito-fidelity.ts';
import { startEventReceiver, type EventReceiver } from './event-receiver.mts';
import { startInbox } from './inbox.mts';
import { seedLocalAdmin, type LocalAdmin } from './local-admin.mts';

const LOOPBACK = '127.0.0.1';
const REGION = 'eu-west-1';
const POOL_NAME = 'cognito-accounts-local';
// moto accepts any credentials; fixed ones keep a developer's real AWS credentials out of it.
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalPool {
  userPoolId: string;
  backendClientId: string;
  frontendClientId: string;
}

/** The parts the embedded default runs in place of AWS and a mail server, and the service's environment for them. */
export interface LocalStack {
  apiUrl: string;
  cognitoEndpoint: string;
  inboxUrl: string;
  /** The demo receiver's page: the lifecycle events of one's own clicks, verified. */
  eventsUrl: string;
  pool: LocalPool;
  /** An account in the admin group, to try the admin page and API with. */
  admin: LocalAdmin;
  env: Record<string, string>;
  stop: () => Promise<void>;
}

interface MailCatcher {
  smtpUrl: string;
  inboxUrl: string;
  stop: () => Promise<void>;
}

/** MailDev (SMTP and its REST API) with our inbox page in front: its own page blocks the mails' buttons. */
async function startMailCatcher(): Promise<MailCatcher> {
  const maildev = new MailDev({ smtp: 0, web: 0, ip: LOOPBACK, webIp: LOOPBACK, silent: true });
  const { smtp, api } = await maildev.start();
  const inbox = await startInbox(LOOPBACK, `http://${LOOPBACK}:${api?.getPort()}`, smtp).catch(
    async (error: unknown) => {
      await maildev.stop();
      throw error;
    },
  );
  return {
    smtpUrl: `smtp://${LOOPBACK}:${smtp.getPort()}`,
    inboxUrl: inbox.url,
    stop: async () => {
      await inbox.stop();
      await maildev.stop();
    },
  };
}

/** The pool and both app clients, made by the same provisioning code as `npm run provision`. */
async function provisionLocalPool(endpoint: string): Promise<LocalPool> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    const { userPoolId, backendClientId, frontendClientId } = await provisionPool(client, {
      poolName: POOL_NAME,
    });
    return { userPoolId, backendClientId, frontendClientId };
  } finally {
    client.destroy();
  }
}

/**
 * One admin, made through the fidelity layer: its requests are checked like the service's, and they
 * show it the pool's region, so a sign-in by email alias finds the admin before the service has
 * called Cognito at all.
 */
async function makeLocalAdmin(endpoint: string, userPoolId: string): Promise<LocalAdmin> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    return await seedLocalAdmin(client, userPoolId);
  } finally {
    client.destroy();
  }
}

function serviceEnv(
  apiUrl: string,
  port: number,
  endpoint: string,
  pool: LocalPool,
  mail: MailCatcher,
  events: EventReceiver,
) {
  return {
    PORT: String(port),
    HOST: LOOPBACK,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    COGNITO_ENDPOINT: endpoint,
    // The emulator's keys: on AWS the service reads them from the issuer's URL.
    COGNITO_JWKS_URL: `${endpoint}/${pool.userPoolId}/.well-known/jwks.json`,
    COGNITO_USER_POOL_ID: pool.userPoolId,
    COGNITO_BACKEND_CLIENT_ID: pool.backendClientId,
    COGNITO_FRONTEND_CLIENT_ID: pool.frontendClientId,
    SMTP_URL: mail.smtpUrl,
    MAIL_FROM: 'cognito-accounts (local) <no-reply@localhost>',
    ACTIVATION_URL: `${apiUrl}/demo/activate.html?u={username}&t={token}`,
    EMAIL_CONFIRMATION_URL: `${apiUrl}/demo/confirm-email.html?u={username}&t={token}`,
    PASSWORD_RESET_URL: `${apiUrl}/demo/reset-password.html?u={username}&t={token}`,
    EMAIL_RESTORE_URL: `${apiUrl}/demo/restore-email.html?u={username}&t={token}`,
    // Generous limits: trying the pages by hand must not end in an hour of 429s.
    RATE_LIMIT_IP_PER_MINUTE: '600',
    RATE_LIMIT_TARGET_PER_HOUR: '200',
    RATE_LIMIT_USER_PER_MINUTE: '120',
    RATE_LIMIT_ADMIN_PER_MINUTE: '300',
    DEMO_PAGES: 'true',
    WEBHOOK_ENDPOINTS: JSON.stringify([{ url: events.hookUrl, events: ['*'] }]),
    WEBHOOK_SECRETS: events.secret,
    WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
    // Quiet unless asked: the banner is what a person needs to see.
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  };
}

/**
 * Starts moto's Cognito with the pool made from the pool definition, and a mail catcher with our
 * inbox page, all on free loopback ports. `port` is the API's (a free one when not given).
 */
export async function startLocalStack(port?: number): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stops.map((s) => s()));
  };
  try {
    // HASH: the same pool and client ids on every start. TOTP: authenticator codes are checked, as
    // Cognito checks them (moto hands every user the same secret, which the demo's QR code carries).
    const moto = await startMoto({
      env: {
        MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY: 'HASH',
        MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY: 'HASH',
        MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP: 'true',
      },
    });
    stops.push(() => moto.stop());
    // Cognito's behaviour where moto lacks it (sign-in by email alias, the API model's limits), for
    // the service and the demo pages alike; ListUsers as current as moto's.
    const cognito = await startCognitoFidelity({
      target: moto.endpoint,
      listUsersLagMs: 0,
      python: installedMotoPython(),
    });
    stops.push(() => cognito.stop());
    const mail = await startMailCatcher();
    stops.push(mail.stop);
    const events = await startEventReceiver(LOOPBACK);
    stops.push(events.stop);
    const pool = await provisionLocalPool(cognito.endpoint);
    const admin = await makeLocalAdmin(cognito.endpoint, pool.userPoolId);
    const apiPort = port ?? (await freePort());
    const apiUrl = `http://${LOOPBACK}:${apiPort}`;
    const env = serviceEnv(apiUrl, apiPort, cognito.endpoint, pool, mail, events);
    const { inboxUrl } = mail;
    return {
      apiUrl,
      cognitoEndpoint: cognito.endpoint,
      inboxUrl,
      eventsUrl: events.pageUrl,
      pool,
      admin,
      env,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
