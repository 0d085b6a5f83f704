/** The variables the service cannot start without, each set to a valid value: the specs' starting point. */
export const VALID_ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
  COGNITO_BACKEND_CLIENT_ID: '1example23456789backend0000',
  COGNITO_FRONTEND_CLIENT_ID: '1example23456789frontend000',
  SMTP_URL: 'smtp://user:pass@smtp.example.com:587',
  MAIL_FROM: 'Example App <no-reply@example.com>',
  ACTIVATION_URL: 'https://app.example.com/activate?u={username}&t={token}',
  EMAIL_CONFIRMATION_URL: 'https://app.example.com/confirm-email?u={username}&t={token}',
  PASSWORD_RESET_URL: 'https://app.example.com/reset-password?u={username}&t={token}',
  EMAIL_RESTORE_URL: 'https://app.example.com/restore-email?u={username}&t={token}',
};

export type RequiredVariable = keyof typeof VALID_ENVIRONMENT;

export const REQUIRED_VARIABLES = Object.keys(VALID_ENVIRONMENT) as RequiredVariable[];
