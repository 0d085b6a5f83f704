import {
  CognitoIdentityProviderClient,
  UpdateUserPoolCommand,
  type UpdateUserPoolCommandInput,
  type UserPoolClientType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { comparePool, provisionPool, type PoolState } from './provisioning';
import {
  backendClientDefinition,
  frontendClientDefinition,
  VERIFICATION_ATTRIBUTE,
} from './user-pool.definition';

/*
 * Shapes real Cognito returns and moto does not, so the e2e tests cannot show them: extra settings
 * the design says nothing about, absent lists that mean "everything", and bare custom names.
 */

const customAttribute = {
  Name: VERIFICATION_ATTRIBUTE,
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable: true,
  Required: false,
  StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' },
} as const;

/** A pool as real Cognito describes one that provisioning made. */
const cognitoPool = (): UserPoolType => ({
  Id: 'eu-west-1_AbCdEf123',
  Name: 'cognito-accounts',
  Policies: {
    PasswordPolicy: {
      MinimumLength: 12,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      PasswordHistorySize: 0,
      TemporaryPasswordValidityDays: 7,
    },
    SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
  },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: {},
  SchemaAttributes: [
    { Name: 'sub', AttributeDataType: 'String', Mutable: false, Required: true },
    { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: false },
    customAttribute,
  ],
  AliasAttributes: ['email'],
  UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
  MfaConfiguration: 'OPTIONAL',
  DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false },
  EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7 },
  UsernameConfiguration: { CaseSensitive: false },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Priority: 1, Name: 'verified_email' }] },
  UserPoolTier: 'ESSENTIALS',
});

/** An app client as real Cognito describes one that provisioning made (DescribeX has no GenerateSecret). */
const cognitoClient = (
  definition: typeof frontendClientDefinition | typeof backendClientDefinition,
): UserPoolClientType => {
  const design = definition('eu-west-1_AbCdEf123');
  return {
    ...design,
    ClientId: `${design.ClientName}0123456789`,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { RefreshToken: 'days' },
    AllowedOAuthFlowsUserPoolClient: false,
    AuthSessionValidity: 3,
  };
};

const cognitoState = (): PoolState => ({
  pool: cognitoPool(),
  mfa: { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } },
  clients: {
    backend: cognitoClient(backendClientDefinition),
    frontend: cognitoClient(frontendClientDefinition),
  },
});

const whats = (state: PoolState) => comparePool(state).map((d) => `${d.where}: ${d.what} ${d.fixable}`);

describe('comparePool on shapes real Cognito returns', () => {
  it('finds nothing to report on a pool as designed, whatever else it describes', () => {
    expect(comparePool(cognitoState())).toEqual([]);
  });

  it('finds the custom attribute under its bare name as well', () => {
    const state = cognitoState();
    state.pool.SchemaAttributes = [{ ...customAttribute, Name: 'preferred_username_verification' }];

    expect(comparePool(state)).toEqual([]);
  });

  it('counts a pool created without UsernameConfiguration as case-sensitive, which only a new pool fixes', () => {
    const state = cognitoState();
    delete state.pool.UsernameConfiguration;

    expect(whats(state)).toEqual([
      'pool: usernames must be case-insensitive (UsernameConfiguration.CaseSensitive) false',
    ]);
  });

  it('reads a client without attribute lists as one that reads and writes every standard attribute', () => {
    const state = cognitoState();
    state.clients.frontend = { ...state.clients.frontend, ReadAttributes: undefined, WriteAttributes: [] };

    expect(whats(state)).toEqual([
      'frontend client: may read every standard attribute (no list set) true',
      'frontend client: may write every standard attribute (no list set) true',
    ]);
  });

  it('says a required email or a custom attribute of another shape needs a new pool', () => {
    const state = cognitoState();
    state.pool.SchemaAttributes = [
      { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
      { ...customAttribute, Mutable: false },
    ];

    expect(whats(state)).toEqual([
      'pool: email must not be a required attribute (the API creates users before they have one) false',
      `pool: custom attribute ${VERIFICATION_ATTRIBUTE} must be a mutable String of up to 2048 characters false`,
    ]);
  });
});

describe('provisionPool updating an existing pool', () => {
  /** A client that answers as Cognito would for `state` and records every command sent. */
  function fakeCognito(state: PoolState) {
    const sent: { name: string; input: unknown }[] = [];
    const answers: Record<string, unknown> = {
      ListUserPoolsCommand: { UserPools: [{ Id: state.pool.Id, Name: state.pool.Name }] },
      DescribeUserPoolCommand: { UserPool: state.pool },
      GetUserPoolMfaConfigCommand: state.mfa,
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
});
