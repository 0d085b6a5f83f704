import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CUSTOM_ATTRIBUTES, VERIFICATION_ATTRIBUTE } from '../src/cognito/attributes';
import { checkPool } from '../src/provisioning/pool-state';
import { provisionPool } from '../src/provisioning/provision-pool';
import { backendClientDefinition, frontendClientDefinition } from '../src/provisioning/user-pool.definition';
import { provisionSuite, runCli, STACK_FRAME, summary } from './support/provision';

describe('npm run provision on a pool that drifted from the design (moto)', () => {
  const suite = provisionSuite();

  describe('a deliberately mis-configured pool', () => {
    let bad: { poolName: string; userPoolId: string; backendClientId: string; frontendClientId: string };

    beforeAll(async () => {
      const pool = await suite.createPool({
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
      const backend = await suite.client.send(
        new CreateUserPoolClientCommand({
          ...backendClientDefinition(pool.userPoolId),
          GenerateSecret: true,
        }),
      );
      const frontend = await suite.client.send(
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
      const differences = await checkPool(suite.client, { poolName: bad.poolName });

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
      const cli = await runCli(['--check'], { ...suite.motoEnv, COGNITO_POOL_NAME: bad.poolName });

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
        ...suite.motoEnv,
        COGNITO_USER_POOL_ID: bad.userPoolId,
        COGNITO_BACKEND_CLIENT_ID: bad.backendClientId,
        COGNITO_FRONTEND_CLIENT_ID: bad.frontendClientId,
      });

      expect(cli.code).toBe(1);
      expect(cli.stdout.trim().split('\n')).toHaveLength(EVERY_DIFFERENCE.length);
    });

    it('provisioning fixes what can change, keeps the ids, and notes what cannot', async () => {
      const { User } = await suite.client.send(
        new AdminCreateUserCommand({
          UserPoolId: bad.userPoolId,
          Username: 'someone@example.test',
          MessageAction: 'SUPPRESS',
        }),
      );
      // moto enforces the pool's password policy: a weak password passes before provisioning only.
      const setPassword = (Password: string) =>
        suite.client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: bad.userPoolId,
            Username: User?.Username,
            Password,
            Permanent: true,
          }),
        );
      await setPassword('weakpass');
      const before = await checkPool(suite.client, { poolName: bad.poolName });

      const result = await provisionPool(suite.client, { poolName: bad.poolName });

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
      const after = await checkPool(suite.client, { poolName: bad.poolName });
      expect(after.filter((d) => d.fixable)).toEqual([]);
      expect(after).toContainEqual(expect.objectContaining({ where: 'backend client', fixable: false }));
      const { UserPool } = await suite.client.send(
        new DescribeUserPoolCommand({ UserPoolId: bad.userPoolId }),
      );
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
});
