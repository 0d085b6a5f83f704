import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Difference } from '../../src/provisioning/differences';
import { startMoto, type MotoServer } from '../../tools/moto';
import { cognitoClient, DEFAULT_REGION, TEST_CREDENTIALS } from './cognito-pool';

const ROOT = resolve(__dirname, '..', '..');
export const CLI_DIR = join(ROOT, 'test', 'artifacts', `provision-cli-${randomUUID()}`);
const CLI = join(CLI_DIR, 'out', 'bin', 'provision.js');

/**
 * Compiles the CLI and what it imports, with the build's compiler options, into test/artifacts:
 * `dist/` may be stale, and rebuilding it would pull it from under anyone else using it.
 */
async function compileCli(): Promise<void> {
  mkdirSync(CLI_DIR, { recursive: true });
  const tsconfig = join(CLI_DIR, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { outDir: join(CLI_DIR, 'out'), incremental: false, sourceMap: false },
      files: [join(ROOT, 'src', 'bin', 'provision.ts')],
      include: [],
    }),
  );
  await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig]);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node provision.js ...args` with only `env` (and PATH): no credentials of the machine leak in. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

export const STACK_FRAME = /^\s+at /m;
export const REGION_AND_KEYS = {
  AWS_REGION: DEFAULT_REGION,
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
};

/** `KEY=value` lines as an object. */
export const parseEnvLines = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s, 2)),
  ) as Record<string, string>;

export const summary = (differences: Difference[]) =>
  differences.map((d) => `${d.where}: ${d.what}${d.fixable ? '' : ' [needs re-creation]'}`);

/** What a provisioning suite works with: moto, a client on it, the CLI's environment for it. */
export interface ProvisionSuite {
  moto: MotoServer;
  client: CognitoIdentityProviderClient;
  motoEnv: Record<string, string>;
  freshName(tag?: string): string;
  /** A pool made by hand, outside provisioning. */
  createPool(
    input: Omit<CreateUserPoolCommandInput, 'PoolName'>,
    poolName?: string,
  ): Promise<{ poolName: string; userPoolId: string }>;
  clientsOf(userPoolId: string): Promise<{ name?: string; id?: string }[]>;
}

/**
 * Registers the suite's set-up (moto, the CLI compiled) and tear-down, and returns its parts, filled
 * in before the first test.
 */
export function provisionSuite(): ProvisionSuite {
  // Each CLI run is a Node process of its own, which a busy machine can take seconds to start.
  jest.setTimeout(90_000);
  let n = 0;
  const suite = {
    freshName: (tag = 'pool') => `provision-e2e-${tag}-${++n}`,
    createPool: async (input, poolName = suite.freshName()) => {
      const { UserPool } = await suite.client.send(
        new CreateUserPoolCommand({ ...input, PoolName: poolName }),
      );
      return { poolName, userPoolId: UserPool?.Id ?? '' };
    },
    clientsOf: async (userPoolId) => {
      const { UserPoolClients = [] } = await suite.client.send(
        new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
      );
      return UserPoolClients.map((c) => ({ name: c.ClientName, id: c.ClientId }));
    },
  } as ProvisionSuite;
  beforeAll(async () => {
    [suite.moto] = await Promise.all([startMoto(), compileCli()]);
    suite.client = cognitoClient(suite.moto.endpoint);
    suite.motoEnv = { ...REGION_AND_KEYS, COGNITO_ENDPOINT: suite.moto.endpoint };
  }, 120_000);
  afterAll(async () => {
    suite.client?.destroy();
    await suite.moto?.stop();
    rmSync(CLI_DIR, { recursive: true, force: true });
  });
  return suite;
}
