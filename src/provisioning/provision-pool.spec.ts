import {
  CognitoIdentityProviderClient,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type UpdateUserPoolClientCommandInput,
  type UpdateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { comparePool } from './differences.ts';
import { cognitoState } from './cognito-shapes.fixture.ts';
import type { PoolState } from './differences.ts';
import { provisionPool } from './provision-pool.ts';

describe('provisionPool updating an existing pool', () => {
  /** A client that answers as Cognito would for `state` and records every command sent. */
  function fakeCognito(state: PoolState) {
    const sent: { name: string; input: unknown }[] = [];
    const answers: Record<string, unknown> = {
      ListUserPoolsCommand: { UserPools: [{ Id: state.pool.Id, Name: state.pool.Name }] },
      DescribeUserPoolCommand: { UserPool: state.pool },
      GetUserPoolMfaConfigCommand: state.mfa,
      GetGroupCommand: { Group: state.adminGroup },
      ListUserPoolClientsCommand: {
        UserPoolClients: Object.values(state.clients).map((c) => ({
          ClientId: c?.ClientId,
          ClientName: c?.ClientName,
        })),
      },
    };
    const send = (command: { input: unknown }): Promise<unknown> => {
      const name = command.constructor.name;
      sent.push({ name, input: command.input });
      const input = command.input as { ClientId?: string };
      const described = Object.values(state.clients).find((c) => c?.ClientId === input.ClientId);
      return Promise.resolve(
        name === 'DescribeUserPoolClientCommand' ? { UserPoolClient: described } : (answers[name] ?? {}),
      );
    };
    // The SDK's paginators accept only instances of the client class.
    const client = Object.assign(
      Object.create(CognitoIdentityProviderClient.prototype) as CognitoIdentityProviderClient,
      { send },
    );
    return { client, sent };
  }

  it('changes nothing on a pool as designed', async () => {
    const { client, sent } = fakeCognito(cognitoState());

    const result = await provisionPool(client, { poolName: 'cognito-accounts' });

    expect(result).toMatchObject({ created: false, fixed: [], notes: [] });
    expect(sent.map((c) => c.name).filter((name) => !/^(List|Describe|Get)/.test(name))).toEqual([]);
  });

  it('sends back every setting the pool has, with the design on top (UpdateUserPool resets what it is not given)', async () => {
    const state = cognitoState();
    state.pool.AdminCreateUserConfig = {
      AllowAdminCreateUserOnly: false,
      UnusedAccountValidityDays: 7,
      InviteMessageTemplate: { EmailSubject: 'Welcome' },
    };
    state.pool.Policies = {
      ...state.pool.Policies,
      PasswordPolicy: { MinimumLength: 8, PasswordHistorySize: 3 },
    };
    state.pool.LambdaConfig = { PreTokenGeneration: 'arn:aws:lambda:eu-west-1:123456789012:function:claims' };
    state.pool.UserPoolTags = { team: 'accounts' };
    const { client, sent } = fakeCognito(state);

    await provisionPool(client, { poolName: 'cognito-accounts' });

    const updates = sent.filter((c) => c.name === UpdateUserPoolCommand.name);
    expect(updates).toHaveLength(1);
    const input = updates[0].input as UpdateUserPoolCommandInput;
    expect(input).toMatchObject({
      UserPoolId: state.pool.Id,
      LambdaConfig: state.pool.LambdaConfig,
      UserPoolTags: { team: 'accounts' },
      EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
      MfaConfiguration: 'OPTIONAL',
      UserPoolTier: 'ESSENTIALS',
      Policies: {
        SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
        PasswordPolicy: { MinimumLength: 12, RequireSymbols: true, PasswordHistorySize: 3 },
      },
      AdminCreateUserConfig: {
        AllowAdminCreateUserOnly: true,
        InviteMessageTemplate: { EmailSubject: 'Welcome' },
      },
    });
    // Deprecated: Cognito refuses it next to PasswordPolicy.TemporaryPasswordValidityDays.
    expect(input.AdminCreateUserConfig?.UnusedAccountValidityDays).toBeUndefined();
    expect(input).not.toHaveProperty('AliasAttributes');
    expect(input).not.toHaveProperty('SchemaAttributes');
    expect(input).not.toHaveProperty('UsernameConfiguration');
  });

  it('sends the pool name back: UpdateUserPool would otherwise be free to reset it', async () => {
    const state = cognitoState();
    state.pool.Policies = { PasswordPolicy: { MinimumLength: 8 } };
    const { client, sent } = fakeCognito(state);

    await provisionPool(client, { poolName: 'cognito-accounts' });

    const [update] = sent.filter((c) => c.name === UpdateUserPoolCommand.name);
    expect(update.input).toMatchObject({ PoolName: 'cognito-accounts' });
  });

  it("sends Cognito's own mails through the SES identity it is given, and warns without one", async () => {
    const ses = {
      sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      from: 'Example <no-reply@example.com>',
    };

    const without = await provisionPool(fakeCognito(cognitoState()).client, { poolName: 'cognito-accounts' });
    expect(without.warnings).toEqual([expect.stringMatching(/50 a day/)]);

    const { client, sent } = fakeCognito(cognitoState());
    const result = await provisionPool(client, { poolName: 'cognito-accounts', ses });

    expect(result.warnings).toEqual([]);
    expect(result.fixed.map((d) => d.what)).toEqual([expect.stringMatching(/SES identity/)]);
    const [update] = sent.filter((c) => c.name === UpdateUserPoolCommand.name);
    expect((update.input as UpdateUserPoolCommandInput).EmailConfiguration).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: ses.sourceArn,
      From: ses.from,
    });
  });

  describe('the frontend client with OAuth flows on (a managed login)', () => {
    const withOAuth = (scopes: string[]) => {
      const state = cognitoState();
      state.clients.frontend = {
        ...state.clients.frontend,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: scopes,
        CallbackURLs: ['https://app.example.com/callback'],
        SupportedIdentityProviders: ['COGNITO'],
      };
      return state;
    };

    it('--check reports a missing aws.cognito.signin.user.admin scope as something provisioning fixes', () => {
      expect(comparePool(withOAuth(['openid', 'email']))).toEqual([
        expect.objectContaining({
          where: 'frontend client',
          what: expect.stringContaining('aws.cognito.signin.user.admin') as string,
          expected: ['aws.cognito.signin.user.admin', 'email', 'openid'],
          actual: ['email', 'openid'],
          fixable: true,
        }),
      ]);
      expect(comparePool(withOAuth(['openid', 'aws.cognito.signin.user.admin']))).toEqual([]);
    });

    it('adds the scope to the ones the client allows, keeping its OAuth settings', async () => {
      const { client, sent } = fakeCognito(withOAuth(['openid', 'email']));

      const result = await provisionPool(client, { poolName: 'cognito-accounts' });

      expect(result.fixed).toHaveLength(1);
      const updates = sent.filter((c) => c.name === UpdateUserPoolClientCommand.name);
      expect(updates).toHaveLength(1);
      expect(updates[0].input as UpdateUserPoolClientCommandInput).toMatchObject({
        ClientId: 'frontend0123456789',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'aws.cognito.signin.user.admin'],
        CallbackURLs: ['https://app.example.com/callback'],
      });
    });

    it('asks nothing of a client without OAuth flows', () => {
      const state = cognitoState();
      state.clients.frontend = { ...state.clients.frontend, AllowedOAuthScopes: ['openid'] };
      expect(comparePool(state)).toEqual([]);
    });
  });
});
