import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CUSTOM_ATTRIBUTES, VERIFICATION_ATTRIBUTE } from '../src/cognito/attributes';
import type { Difference } from '../src/provisioning/differences';
import { checkPool } from '../src/provisioning/pool-state';
import { provisionPool } from '../src/provisioning/provision-pool';
import { ProvisioningError } from '../src/provisioning/provisioning-error';
import { backendClientDefinition, frontendClientDefinition } from '../src/provisioning/user-pool.definition';
import { cognitoClient, DEFAULT_REGION, TEST_CREDENTIALS } from './support/cognito-pool';
import { freePort } from '../tools/child-process';
import { startMoto, type MotoServer } from '../tools/moto';

const ROOT = resolve(__dirname, '..');
const CLI_DIR = join(ROOT, 'test', 'artifacts', `provision-cli-${process.pid}`);
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

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node provision.js ...args` with only `env` (and PATH): no credentials of the machine leak in. */
function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const STACK_FRAME = /^\s+at /m;
const REGION_AND_KEYS = {
  AWS_REGION: DEFAULT_REGION,
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
};

/** `KEY=value` lines as an object. */
const parseEnvLines = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s, 2)),
  ) as Record<string, string>;

const summary = (differences: Difference[]) =>
  differences.map((d) => `${d.where}: ${d.what}${d.fixable ? '' : ' [needs re-creation]'}`);

describe('npm run provision (moto)', () => {
  let moto: MotoServer;
  let client: CognitoIdentityProviderClient;
  let motoEnv: Record<string, string>;
  let n = 0;
  const freshName = (tag = 'pool') => `provision-e2e-${tag}-${++n}`;

  beforeAll(async () => {
    [moto] = await Promise.all([startMoto(), compileCli()]);
    client = cognitoClient(moto.endpoint);
    motoEnv = { ...REGION_AND_KEYS, COGNITO_ENDPOINT: moto.endpoint };
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
    rmSync(CLI_DIR, { recursive: true, force: true });
  });

  const createPool = async (input: Omit<CreateUserPoolCommandInput, 'PoolName'>, poolName = freshName()) => {
    const { UserPool } = await client.send(new CreateUserPoolCommand({ ...input, PoolName: poolName }));
    return { poolName, userPoolId: UserPool?.Id ?? '' };
  };
  const clientsOf = async (userPoolId: string) => {
    const { UserPoolClients = [] } = await client.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
    );
    return UserPoolClients.map((c) => ({ name: c.ClientName, id: c.ClientId }));
  };

  describe('provisionPool and checkPool', () => {
    it('create the pool and both clients from the definition, and find nothing to report', async () => {
      const poolName = freshName();

      const result = await provisionPool(client, { poolName });

      expect(result).toMatchObject({ created: true, notes: [] });
      await expect(checkPool(client, { poolName })).resolves.toEqual([]);
      // By the ids it returns, as the service is configured.
      await expect(checkPool(client, result)).resolves.toEqual([]);
      const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: result.userPoolId }));
      expect(UserPool).toMatchObject({
        Name: poolName,
        AliasAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      });
      expect(await clientsOf(result.userPoolId)).toEqual([
        { name: 'backend', id: result.backendClientId },
        { name: 'frontend', id: result.frontendClientId },
      ]);
    });

    it('are idempotent: a second run finds the pool by name and changes nothing', async () => {
      const poolName = freshName();
      const first = await provisionPool(client, { poolName });

      const second = await provisionPool(client, { poolName });

      expect(second).toEqual({ ...first, created: false, fixed: [], notes: [] });
      expect(await clientsOf(first.userPoolId)).toHaveLength(2);
      await expect(checkPool(client, { poolName })).resolves.toEqual([]);
    });

    it('find the pool on a later page of ListUserPools', async () => {
      await Promise.all(Array.from({ length: 61 }, () => createPool({}, freshName('filler'))));
      const poolName = freshName();
      const first = await provisionPool(client, { poolName });

      const second = await provisionPool(client, { poolName });

      expect(second).toMatchObject({ created: false, userPoolId: first.userPoolId });
    }, 30_000);

    it('refuse to choose between two pools of the same name', async () => {
      const { poolName, userPoolId } = await createPool({});
      const twin = await createPool({}, poolName);
      const refusal = `2 user pools are named "${poolName}" (${userPoolId}, ${twin.userPoolId})`;

      await expect(provisionPool(client, { poolName })).rejects.toThrow(ProvisioningError);
      await expect(provisionPool(client, { poolName })).rejects.toThrow(refusal);
      await expect(checkPool(client, { poolName })).rejects.toThrow(refusal);

      const cli = await runCli([], { ...motoEnv, COGNITO_POOL_NAME: poolName });
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain(refusal);
      expect(cli.stderr).not.toMatch(STACK_FRAME);
    });

    it('report a pool that does not exist', async () => {
      await expect(checkPool(client, { poolName: freshName() })).resolves.toMatchObject([
        { where: 'pool', what: 'no such user pool', fixable: true },
      ]);
      await expect(checkPool(client, { userPoolId: `${DEFAULT_REGION}_nowhere` })).resolves.toMatchObject([
        { where: 'pool', what: 'no such user pool', fixable: true },
      ]);
    });
  });

  describe('a deliberately mis-configured pool', () => {
    let bad: { poolName: string; userPoolId: string; backendClientId: string; frontendClientId: string };

    beforeAll(async () => {
      const pool = await createPool({
        // Self sign-up allowed, email as the username, case-sensitive usernames, a weak password
        // policy, Cognito verifying email itself, no custom attribute, MFA and devices left at defaults.
        AdminCreateUserConfig: {
          AllowAdminCreateUserOnly: false,
          InviteMessageTemplate: { EmailSubject: 'Hi' },
        },
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: true },
        AutoVerifiedAttributes: ['email'],
        // Settings the design says nothing about: provisioning must leave them alone.
        UserPoolTags: { team: 'accounts' },
        Policies: {
          PasswordPolicy: {
            MinimumLength: 8,
            RequireUppercase: false,
            RequireLowercase: false,
            RequireNumbers: false,
            RequireSymbols: false,
            TemporaryPasswordValidityDays: 7,
          },
        },
      });
      const backend = await client.send(
        new CreateUserPoolClientCommand({
          ...backendClientDefinition(pool.userPoolId),
          GenerateSecret: true,
        }),
      );
      const frontend = await client.send(
        new CreateUserPoolClientCommand({
          ...frontendClientDefinition(pool.userPoolId),
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          ReadAttributes: ['email', 'email_verified', 'locale', VERIFICATION_ATTRIBUTE],
          WriteAttributes: ['email', 'locale'],
          PreventUserExistenceErrors: 'LEGACY',
          EnableTokenRevocation: false,
        }),
      );
      bad = {
        ...pool,
        backendClientId: backend.UserPoolClient?.ClientId ?? '',
        frontendClientId: frontend.UserPoolClient?.ClientId ?? '',
      };
    });

    const EVERY_DIFFERENCE = [
      'pool: email must be a sign-in alias, not a username attribute (UsernameAttributes) [needs re-creation]',
      'pool: sign-in aliases (AliasAttributes) [needs re-creation]',
      'pool: usernames must be case-insensitive (UsernameConfiguration.CaseSensitive) [needs re-creation]',
      'pool: self sign-up must be off: only the API creates users (AdminCreateUserConfig.AllowAdminCreateUserOnly)',
      'pool: password policy (Policies.PasswordPolicy)',
      'pool: devices must always be remembered (DeviceConfiguration)',
      'pool: password recovery by verified email only (AccountRecoverySetting)',
      'pool: Cognito must verify no attribute itself: the service mails its own links (AutoVerifiedAttributes)',
      'pool: deletion protection (DeletionProtection)',
      ...CUSTOM_ATTRIBUTES.map((name) => `pool: custom attribute ${name} is missing`),
      'pool: MFA must be optional (MfaConfiguration)',
      'pool: MFA by authenticator app must be on (SoftwareTokenMfaConfiguration.Enabled)',
      'pool: group admin is missing (its members may use the admin API)',
      'backend client: must have no client secret (GenerateSecret) [needs re-creation]',
      'frontend client: allows auth flows beyond the design: ALLOW_CUSTOM_AUTH',
      'frontend client: lacks auth flows: ALLOW_USER_SRP_AUTH',
      `frontend client: may read ${VERIFICATION_ATTRIBUTE}`,
      'frontend client: may write email',
      'frontend client: must not reveal whether a user exists (PreventUserExistenceErrors)',
      'frontend client: token revocation (EnableTokenRevocation)',
    ];

    it('checkPool lists every difference, and which ones only re-creation fixes', async () => {
      const differences = await checkPool(client, { poolName: bad.poolName });

      expect(summary(differences)).toEqual(EVERY_DIFFERENCE);
      expect(differences).toContainEqual({
        where: 'frontend client',
        what: 'may write email',
        expected: ['locale'],
        actual: ['email', 'locale'],
        fixable: true,
      });
    });

    it('the CLI --check prints each difference with what to do, and exits 1', async () => {
      const cli = await runCli(['--check'], { ...motoEnv, COGNITO_POOL_NAME: bad.poolName });

      expect(cli.code).toBe(1);
      const lines = cli.stdout.trim().split('\n');
      expect(lines).toHaveLength(EVERY_DIFFERENCE.length);
      expect(lines).toContain(
        'frontend client: may write email (expected ["locale"], found ["email","locale"]): npm run provision fixes this',
      );
      expect(lines).toContain(
        'backend client: must have no client secret (GenerateSecret) (expected false, found true): ' +
          'cannot change once the client exists: delete this app client and provision again (its id changes)',
      );
      expect(
        lines.filter((l) => l.endsWith('create a new pool under another name and move the users to it')),
      ).toHaveLength(3);
      expect(cli.stderr).toContain(
        `differs from the design (${EVERY_DIFFERENCE.length}): ${EVERY_DIFFERENCE.length - 4} fixable by npm run provision, 4 only`,
      );
      expect(cli.stderr).not.toMatch(STACK_FRAME);
    });

    it('the CLI --check looks at the pool and clients the service is configured with', async () => {
      const cli = await runCli(['--check'], {
        ...motoEnv,
        COGNITO_USER_POOL_ID: bad.userPoolId,
        COGNITO_BACKEND_CLIENT_ID: bad.backendClientId,
        COGNITO_FRONTEND_CLIENT_ID: bad.frontendClientId,
      });

      expect(cli.code).toBe(1);
      expect(cli.stdout.trim().split('\n')).toHaveLength(EVERY_DIFFERENCE.length);
    });

    it('provisioning fixes what can change, keeps the ids, and notes what cannot', async () => {
      const { User } = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: bad.userPoolId,
          Username: 'someone@example.test',
          MessageAction: 'SUPPRESS',
        }),
      );
      // moto enforces the pool's password policy: a weak password passes before provisioning only.
      const setPassword = (Password: string) =>
        client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: bad.userPoolId,
            Username: User?.Username,
            Password,
            Permanent: true,
          }),
        );
      await setPassword('weakpass');
      const before = await checkPool(client, { poolName: bad.poolName });

      const result = await provisionPool(client, { poolName: bad.poolName });

      expect(result).toMatchObject({
        created: false,
        userPoolId: bad.userPoolId,
        backendClientId: bad.backendClientId,
        frontendClientId: bad.frontendClientId,
      });
      expect(result.fixed).toEqual(before.filter((d) => d.fixable));
      expect(result.notes).toHaveLength(4);
      expect(result.notes.join('\n')).toMatch(/UsernameAttributes.*create a new pool under another name/);
      expect(result.notes.join('\n')).toMatch(/CaseSensitive.*create a new pool under another name/);
      expect(result.notes.join('\n')).toMatch(/GenerateSecret.*delete this app client and provision again/);
      // moto forgets UsernameAttributes and UsernameConfiguration on UpdateUserPool (Cognito keeps
      // them: they are not UpdateUserPool parameters), so which unfixable differences remain is
      // moto's business; that none of the fixable ones does is ours.
      const after = await checkPool(client, { poolName: bad.poolName });
      expect(after.filter((d) => d.fixable)).toEqual([]);
      expect(after).toContainEqual(expect.objectContaining({ where: 'backend client', fixable: false }));
      const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: bad.userPoolId }));
      expect(UserPool).toMatchObject({
        UserPoolTags: { team: 'accounts' },
        AdminCreateUserConfig: {
          AllowAdminCreateUserOnly: true,
          InviteMessageTemplate: { EmailSubject: 'Hi' },
        },
      });
      await expect(setPassword('weakpass')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
      await expect(setPassword('Strong-enough-1')).resolves.toBeDefined();
    });
  });

  describe('the CLI', () => {
    it('provisions, prints the variables the service needs, and --check with them passes', async () => {
      const poolName = freshName();

      const cli = await runCli([], { ...motoEnv, COGNITO_POOL_NAME: poolName });

      expect(cli.code).toBe(0);
      const printed = parseEnvLines(cli.stdout);
      expect(Object.keys(printed)).toEqual([
        'AWS_REGION',
        'COGNITO_USER_POOL_ID',
        'COGNITO_BACKEND_CLIENT_ID',
        'COGNITO_FRONTEND_CLIENT_ID',
        'COGNITO_ENDPOINT',
      ]);
      expect(printed).toMatchObject({ AWS_REGION: DEFAULT_REGION, COGNITO_ENDPOINT: moto.endpoint });
      expect(cli.stderr).toContain(`User pool "${poolName}" (${printed.COGNITO_USER_POOL_ID}) created`);
      await expect(
        checkPool(client, {
          userPoolId: printed.COGNITO_USER_POOL_ID,
          backendClientId: printed.COGNITO_BACKEND_CLIENT_ID,
          frontendClientId: printed.COGNITO_FRONTEND_CLIENT_ID,
        }),
      ).resolves.toEqual([]);

      const again = await runCli([], { ...motoEnv, COGNITO_POOL_NAME: poolName });
      expect(again).toMatchObject({ code: 0, stdout: cli.stdout });
      expect(again.stderr).toContain('exists; nothing to change');

      const check = await runCli(['--check'], { ...REGION_AND_KEYS, ...printed });
      // As designed; the one remark is that Cognito's own mails still use its default sender (no SES identity given).
      expect(check.code).toBe(0);
      expect(check.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^Warning: .*at most 50 a day/),
      ]);
      expect(check.stdout).toContain('pool matches the design');
    });

    it('still prints the variables, but exits 1, when only a new pool would match the design', async () => {
      const { poolName } = await createPool({
        AliasAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: true },
      });

      const cli = await runCli([], { ...motoEnv, COGNITO_POOL_NAME: poolName });

      expect(cli.code).toBe(1);
      expect(Object.keys(parseEnvLines(cli.stdout))).toContain('COGNITO_USER_POOL_ID');
      expect(cli.stderr).toMatch(/cannot change it:\n.*CaseSensitive.*create a new pool under another name/);
    });

    it('answers usage and configuration errors with one message and exit 2', async () => {
      const unknownOption = await runCli(['--force'], motoEnv);
      expect(unknownOption.code).toBe(2);
      expect(unknownOption.stderr).toMatch(/^Unknown option '--force'/);
      expect(unknownOption.stderr).toContain('Usage: npm run provision [-- --check]');

      const noRegion = await runCli(['--check'], { COGNITO_POOL_NAME: 'a/b' });
      expect(noRegion.code).toBe(2);
      expect(noRegion.stderr.trim().split('\n').sort()).toEqual([
        '  - AWS_REGION is required',
        '  - COGNITO_POOL_NAME must be 1 to 128 letters, digits, spaces or any of + = , . @ _ -',
        'Invalid configuration:',
      ]);

      const help = await runCli(['--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--check');
    });

    it('says how to provide credentials when there are none, without a stack trace', async () => {
      const nowhere = join(CLI_DIR, 'no-such-file');
      const cli = await runCli(['--check'], {
        AWS_REGION: DEFAULT_REGION,
        COGNITO_ENDPOINT: moto.endpoint,
        HOME: CLI_DIR,
        AWS_CONFIG_FILE: nowhere,
        AWS_SHARED_CREDENTIALS_FILE: nowhere,
        AWS_EC2_METADATA_DISABLED: 'true',
      });

      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(
        /^No AWS credentials found .*AWS_PROFILE, AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY/,
      );
      expect(cli.stderr).not.toMatch(STACK_FRAME);
    });

    it('says which endpoint it cannot reach', async () => {
      const endpoint = `http://127.0.0.1:${await freePort()}`;

      const cli = await runCli(['--check'], { ...REGION_AND_KEYS, COGNITO_ENDPOINT: endpoint });

      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(new RegExp(`^Cannot reach Cognito at ${endpoint}: .*ECONNREFUSED`));
      expect(cli.stderr).not.toMatch(STACK_FRAME);
    }, 20_000);
  });
});
