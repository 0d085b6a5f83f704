import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { parseArgs } from 'node:util';
import { formatDifference, remedy } from '../provisioning/differences.ts';
import { inspectPool } from '../provisioning/pool-state.ts';
import { provisionPool, type ProvisionResult } from '../provisioning/provision-pool.ts';
import { ProvisioningError } from '../provisioning/provisioning-error.ts';
import { provisionConfig, type ProvisionConfig } from '../config/provision.env.ts';

const USAGE = `Usage: npm run provision [-- --check]

  (no option)  create the user pool named $COGNITO_POOL_NAME and its two app clients as
               src/provisioning/user-pool.definition.ts describes them, or update an existing one;
               prints the variables the service needs (stdout) and what it did (stderr)
  --check      change nothing; list every way the pool and its clients differ from the design

Reads AWS_REGION (required), COGNITO_ENDPOINT, COGNITO_POOL_NAME (default cognito-accounts),
COGNITO_SES_SOURCE_ARN and COGNITO_SES_FROM (the SES identity for Cognito's own mails) and, for
--check, COGNITO_USER_POOL_ID, COGNITO_BACKEND_CLIENT_ID and COGNITO_FRONTEND_CLIENT_ID. Credentials
come from the standard AWS chain. Exit code: 0 as designed, 1 the pool differs, 2 could not run.`;

const EXIT = { asDesigned: 0, differs: 1, failed: 2 } as const;

const REQUIRED_ACTIONS =
  'cognito-idp:ListUserPools, CreateUserPool, DescribeUserPool, UpdateUserPool, AddCustomAttributes, ' +
  'GetUserPoolMfaConfig, SetUserPoolMfaConfig, ListUserPoolClients, DescribeUserPoolClient, ' +
  'CreateUserPoolClient, UpdateUserPoolClient, GetGroup and CreateGroup';

/** A failure the operator fixes from its message alone. */
class CliError extends Error {}

function parseMode(argv: string[]): 'provision' | 'check' | 'help' {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) return 'help';
    return values.check ? 'check' : 'provision';
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

function loadConfig(): ProvisionConfig {
  try {
    return provisionConfig();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function envLines(config: ProvisionConfig, result: ProvisionResult): string[] {
  return [
    `AWS_REGION=${config.region}`,
    `COGNITO_USER_POOL_ID=${result.userPoolId}`,
    `COGNITO_BACKEND_CLIENT_ID=${result.backendClientId}`,
    `COGNITO_FRONTEND_CLIENT_ID=${result.frontendClientId}`,
    ...(config.endpoint ? [`COGNITO_ENDPOINT=${config.endpoint}`] : []),
  ];
}

async function provision(client: CognitoIdentityProviderClient, config: ProvisionConfig): Promise<number> {
  const result = await provisionPool(client, { poolName: config.poolName, ses: config.ses });
  printWarnings(result.warnings);
  const pool = `User pool "${config.poolName}" (${result.userPoolId})`;
  if (result.created) console.error(`${pool} created with its app clients.`);
  else if (result.fixed.length === 0) console.error(`${pool} exists; nothing to change.`);
  else
    console.error(
      `${pool} exists; changed:\n${result.fixed.map((d) => `  - ${formatDifference(d)}`).join('\n')}`,
    );
  if (result.notes.length > 0) {
    console.error(
      `Not as designed, and provisioning cannot change it:\n${result.notes.map((n) => `  - ${n}`).join('\n')}`,
    );
  }
  console.log(envLines(config, result).join('\n'));
  return result.notes.length > 0 ? EXIT.differs : EXIT.asDesigned;
}

const printWarnings = (warnings: string[]) => {
  for (const warning of warnings) console.error(`Warning: ${warning}`);
};

async function check(client: CognitoIdentityProviderClient, config: ProvisionConfig): Promise<number> {
  const { differences, warnings } = await inspectPool(client, {
    poolName: config.poolName,
    userPoolId: config.userPoolId,
    backendClientId: config.backendClientId,
    frontendClientId: config.frontendClientId,
    ses: config.ses,
  });
  printWarnings(warnings);
  const pool = `User pool ${config.userPoolId ?? `"${config.poolName}"`}`;
  if (differences.length === 0) {
    console.log(`${pool}: the pool matches the design.`);
    return EXIT.asDesigned;
  }
  for (const d of differences) console.log(`${formatDifference(d)}: ${remedy(d)}`);
  const fixable = differences.filter((d) => d.fixable).length;
  console.error(
    `${pool} differs from the design (${differences.length}): ${fixable} fixable by npm run provision, ` +
      `${differences.length - fixable} only by creating the pool or client again.`,
  );
  return EXIT.differs;
}

const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'TimeoutError',
]);

/** One clear message for the failures an operator can fix; undefined for a bug. */
function explain(error: unknown, config: ProvisionConfig | undefined): string | undefined {
  if (error instanceof CliError || error instanceof ProvisioningError) return error.message;
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? error.name;
  if (error.name === 'CredentialsProviderError') {
    return (
      `No AWS credentials found (${error.message}). Provide them the standard way: AWS_PROFILE, ` +
      'AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY, or the role of the machine or task it runs on.'
    );
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException'].includes(code)) {
    return `AWS refused the credentials: ${error.message}`;
  }
  if (['AccessDeniedException', 'NotAuthorizedException'].includes(code)) {
    return `Not allowed: ${error.message}\nProvisioning needs ${REQUIRED_ACTIONS}.`;
  }
  if (NETWORK_ERRORS.has(code)) {
    const where = config?.endpoint ?? `the ${config?.region ?? ''} region`;
    return `Cannot reach Cognito at ${where}: ${error.message || code}`;
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  let config: ProvisionConfig | undefined;
  let client: CognitoIdentityProviderClient | undefined;
  try {
    const mode = parseMode(argv);
    if (mode === 'help') {
      console.log(USAGE);
      return EXIT.asDesigned;
    }
    config = loadConfig();
    client = new CognitoIdentityProviderClient({
      region: config.region,
      endpoint: config.endpoint,
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
    });
    return mode === 'check' ? await check(client, config) : await provision(client, config);
  } catch (error) {
    console.error(explain(error, config) ?? error);
    return EXIT.failed;
  } finally {
    client?.destroy();
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
