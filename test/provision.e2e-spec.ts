import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { checkPool } from '../src/provisioning/pool-state';
import { provisionPool } from '../src/provisioning/provision-pool';
import { ProvisioningError } from '../src/provisioning/provisioning-error';
import { join } from 'node:path';
import { freePort } from '../tools/child-process';
import { DEFAULT_REGION } from './support/cognito-pool';
import {
  CLI_DIR,
  parseEnvLines,
  provisionSuite,
  REGION_AND_KEYS,
  runCli,
  STACK_FRAME,
} from './support/provision';

describe('npm run provision (moto)', () => {
  const suite = provisionSuite();

  describe('provisionPool and checkPool', () => {
    it('create the pool and both clients from the definition, and find nothing to report', async () => {
      const poolName = suite.freshName();

      const result = await provisionPool(suite.client, { poolName });

      expect(result).toMatchObject({ created: true, notes: [] });
      await expect(checkPool(suite.client, { poolName })).resolves.toEqual([]);
      // By the ids it returns, as the service is configured.
      await expect(checkPool(suite.client, result)).resolves.toEqual([]);
      const { UserPool } = await suite.client.send(
        new DescribeUserPoolCommand({ UserPoolId: result.userPoolId }),
      );
      expect(UserPool).toMatchObject({
        Name: poolName,
        AliasAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      });
      expect(await suite.clientsOf(result.userPoolId)).toEqual([
        { name: 'backend', id: result.backendClientId },
        { name: 'frontend', id: result.frontendClientId },
      ]);
    });

    it('are idempotent: a second run finds the pool by name and changes nothing', async () => {
      const poolName = suite.freshName();
      const first = await provisionPool(suite.client, { poolName });

      const second = await provisionPool(suite.client, { poolName });

      expect(second).toEqual({ ...first, created: false, fixed: [], notes: [] });
      expect(await suite.clientsOf(first.userPoolId)).toHaveLength(2);
      await expect(checkPool(suite.client, { poolName })).resolves.toEqual([]);
    });

    it('find the pool on a later page of ListUserPools', async () => {
      await Promise.all(Array.from({ length: 61 }, () => suite.createPool({}, suite.freshName('filler'))));
      const poolName = suite.freshName();
      const first = await provisionPool(suite.client, { poolName });

      const second = await provisionPool(suite.client, { poolName });

      expect(second).toMatchObject({ created: false, userPoolId: first.userPoolId });
    }, 30_000);

    it('refuse to choose between two pools of the same name', async () => {
      const { poolName, userPoolId } = await suite.createPool({});
      const twin = await suite.createPool({}, poolName);
      const refusal = `2 user pools are named "${poolName}" (${userPoolId}, ${twin.userPoolId})`;

      await expect(provisionPool(suite.client, { poolName })).rejects.toThrow(ProvisioningError);
      await expect(provisionPool(suite.client, { poolName })).rejects.toThrow(refusal);
      await expect(checkPool(suite.client, { poolName })).rejects.toThrow(refusal);

      const cli = await runCli([], { ...suite.motoEnv, COGNITO_POOL_NAME: poolName });
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain(refusal);
      expect(cli.stderr).not.toMatch(STACK_FRAME);
    });

    it('report a pool that does not exist', async () => {
      await expect(checkPool(suite.client, { poolName: suite.freshName() })).resolves.toMatchObject([
        { where: 'pool', what: 'no such user pool', fixable: true },
      ]);
      await expect(
        checkPool(suite.client, { userPoolId: `${DEFAULT_REGION}_nowhere` }),
      ).resolves.toMatchObject([{ where: 'pool', what: 'no such user pool', fixable: true }]);
    });
  });

  describe('the CLI', () => {
    it('provisions, prints the variables the service needs, and --check with them passes', async () => {
      const poolName = suite.freshName();

      const cli = await runCli([], { ...suite.motoEnv, COGNITO_POOL_NAME: poolName });

      expect(cli.code).toBe(0);
      const printed = parseEnvLines(cli.stdout);
      expect(Object.keys(printed)).toEqual([
        'AWS_REGION',
        'COGNITO_USER_POOL_ID',
        'COGNITO_BACKEND_CLIENT_ID',
        'COGNITO_FRONTEND_CLIENT_ID',
        'COGNITO_ENDPOINT',
      ]);
      expect(printed).toMatchObject({ AWS_REGION: DEFAULT_REGION, COGNITO_ENDPOINT: suite.moto.endpoint });
      expect(cli.stderr).toContain(`User pool "${poolName}" (${printed.COGNITO_USER_POOL_ID}) created`);
      await expect(
        checkPool(suite.client, {
          userPoolId: printed.COGNITO_USER_POOL_ID,
          backendClientId: printed.COGNITO_BACKEND_CLIENT_ID,
          frontendClientId: printed.COGNITO_FRONTEND_CLIENT_ID,
        }),
      ).resolves.toEqual([]);

      const again = await runCli([], { ...suite.motoEnv, COGNITO_POOL_NAME: poolName });
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
      const { poolName } = await suite.createPool({
        AliasAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: true },
      });

      const cli = await runCli([], { ...suite.motoEnv, COGNITO_POOL_NAME: poolName });

      expect(cli.code).toBe(1);
      expect(Object.keys(parseEnvLines(cli.stdout))).toContain('COGNITO_USER_POOL_ID');
      expect(cli.stderr).toMatch(/cannot change it:\n.*CaseSensitive.*create a new pool under another name/);
    });

    it('answers usage and configuration errors with one message and exit 2', async () => {
      const unknownOption = await runCli(['--force'], suite.motoEnv);
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
        COGNITO_ENDPOINT: suite.moto.endpoint,
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
