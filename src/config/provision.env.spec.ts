import { provisionConfig } from './provision.env';

describe('provisionConfig', () => {
  it('needs only AWS_REGION and defaults the pool name', () => {
    expect(provisionConfig({ AWS_REGION: 'eu-west-1', PATH: '/usr/bin' })).toEqual({
      region: 'eu-west-1',
      endpoint: undefined,
      poolName: 'cognito-accounts',
      userPoolId: undefined,
      backendClientId: undefined,
      frontendClientId: undefined,
    });
  });

  it('reads the endpoint, the pool name and the ids for --check', () => {
    expect(
      provisionConfig({
        AWS_REGION: 'eu-west-1',
        COGNITO_ENDPOINT: 'http://127.0.0.1:5000',
        COGNITO_POOL_NAME: 'accounts staging',
        COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
        COGNITO_BACKEND_CLIENT_ID: 'backend1234',
        COGNITO_FRONTEND_CLIENT_ID: 'frontend1234',
      }),
    ).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
      poolName: 'accounts staging',
      userPoolId: 'eu-west-1_AbCdEf123',
      backendClientId: 'backend1234',
      frontendClientId: 'frontend1234',
    });
  });

  it('ignores the service-only variables and treats empty ones as unset', () => {
    expect(provisionConfig({ AWS_REGION: 'eu-west-1', COGNITO_POOL_NAME: '', SMTP_URL: 'x' }).poolName).toBe(
      'cognito-accounts',
    );
  });

  it('lists every invalid variable with the service rules', () => {
    let message = '';
    try {
      provisionConfig({ COGNITO_ENDPOINT: 'not-a-url', COGNITO_POOL_NAME: 'a/b', COGNITO_USER_POOL_ID: 'x' });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).sort()).toEqual([
      '  - AWS_REGION is required',
      '  - COGNITO_ENDPOINT must be a URL address',
      '  - COGNITO_POOL_NAME must be 1 to 128 letters, digits, spaces or any of + = , . @ _ -',
      '  - COGNITO_USER_POOL_ID must look like eu-west-1_AbCdEf123',
    ]);
  });

  it("reads the SES identity for Cognito's own mails, and needs its ARN when a sender is given", () => {
    const sourceArn = 'arn:aws:ses:eu-west-1:123456789012:identity/example.com';
    expect(
      provisionConfig({
        AWS_REGION: 'eu-west-1',
        COGNITO_SES_SOURCE_ARN: sourceArn,
        COGNITO_SES_FROM: 'Example <no-reply@example.com>',
      }).ses,
    ).toEqual({ sourceArn, from: 'Example <no-reply@example.com>' });
    expect(provisionConfig({ AWS_REGION: 'eu-west-1' }).ses).toBeUndefined();
    expect(() =>
      provisionConfig({ AWS_REGION: 'eu-west-1', COGNITO_SES_FROM: 'no-reply@example.com' }),
    ).toThrow(/COGNITO_SES_SOURCE_ARN/);
    expect(() => provisionConfig({ AWS_REGION: 'eu-west-1', COGNITO_SES_SOURCE_ARN: 'example.com' })).toThrow(
      /COGNITO_SES_SOURCE_ARN must be an SES identity ARN/,
    );
  });
});
