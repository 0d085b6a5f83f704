import { MotoUnavailableError } from '../moto.ts';
import { startApi } from './api-process.mts';
import { startLocalStack, type LocalStack } from './local-stack.mts';

/*
 * `npm start` (after `nest build`) and `npm run start:dev` (`--watch`). With COGNITO_USER_POOL_ID in
 * the environment the service runs on that configuration alone. Without it, the embedded default:
 * moto's Cognito with the pool, a mail catcher, and the service pointed at them, with the demo pages.
 * Ctrl-C (or SIGTERM) stops every process it started.
 */

const REAL_POOL_HINT =
  'Or run against a real user pool instead: set AWS_REGION, COGNITO_USER_POOL_ID, COGNITO_BACKEND_CLIENT_ID, ' +
  'COGNITO_FRONTEND_CLIENT_ID, SMTP_URL, MAIL_FROM, ACTIVATION_URL, EMAIL_CONFIRMATION_URL, PASSWORD_RESET_URL and EMAIL_RESTORE_URL (see .env.example).';

const watch = process.argv.includes('--watch');
const stops: (() => Promise<void>)[] = [];
let stopping: Promise<never> | undefined;

/** Stops what was started, the last first (the API before what it talks to), then exits. */
function shutDown(code: number): Promise<never> {
  stopping ??= (async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
    process.exit(code);
  })();
  return stopping;
}

/** The environment minus credentials that could reach a real AWS account. */
function withoutAwsSession(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => name !== 'AWS_PROFILE' && name !== 'AWS_SESSION_TOKEN'),
  );
}

function banner({ apiUrl, inboxUrl, eventsUrl, cognitoEndpoint, pool, admin }: LocalStack): string {
  const rows = [
    ['API', apiUrl],
    ['Swagger UI', `${apiUrl}/docs`],
    ['Demo pages', `${apiUrl}/demo/`],
    ['Admin page', `${apiUrl}/demo/admin.html`],
    ['Inbox', inboxUrl],
    ['Events received', eventsUrl],
    ['Cognito (moto)', cognitoEndpoint],
    ['User pool', pool.userPoolId],
    ['Backend client', pool.backendClientId],
    ['Frontend client', pool.frontendClientId],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [
    '',
    'cognito-accounts runs locally: moto plays Cognito, the inbox catches every mail, no AWS account needed.',
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    '',
    `Sign up on ${apiUrl}/demo/signup.html (or: curl -H 'Content-Type: application/json' -d '{"email":"you@example.com"}' ${apiUrl}/accounts/signup),`,
    'then open the mail in the inbox; its button opens the link in a new tab.',
    `The admin page (and the /admin API) takes ${admin.email} with the password ${admin.password}`,
    '(new on every start; a member of the admin group). Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function runConfigured(): Promise<void> {
  const api = await startApi(process.env, { watch });
  stops.push(api.stop);
  await shutDown(await api.exited);
}

async function runEmbedded(): Promise<void> {
  const local = await startLocalStack(process.env.PORT ? Number(process.env.PORT) : undefined);
  stops.push(local.stop);
  const api = await startApi(
    { ...withoutAwsSession(process.env), ...local.env },
    { watch, healthUrl: `${local.apiUrl}/health`, timeoutMs: 120_000 },
  );
  stops.push(api.stop);
  void api.exited.then((code) => shutDown(code || 1));
  console.log(banner(local));
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutDown(0));

(process.env.COGNITO_USER_POOL_ID ? runConfigured() : runEmbedded()).catch((error: unknown) => {
  if (error instanceof MotoUnavailableError) console.error(`${error.message}\n${REAL_POOL_HINT}`);
  else console.error(error);
  void shutDown(1);
});
