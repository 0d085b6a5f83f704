import { IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { IsOptional, Matches, ValidateIf } from 'class-validator';
import { EnvironmentVariables } from './env.validation';
import { validateVariables } from './validate-variables';

export const DEFAULT_POOL_NAME = 'cognito-accounts';

/**
 * The variables `npm run provision` reads. The ones it shares with the service keep the service's
 * rules; the ids are optional here (only `--check` uses them, to look at the pool the service uses).
 */
export class ProvisionVariables extends IntersectionType(
  PickType(EnvironmentVariables, ['AWS_REGION', 'COGNITO_ENDPOINT'] as const),
  PartialType(
    PickType(EnvironmentVariables, [
      'COGNITO_USER_POOL_ID',
      'COGNITO_BACKEND_CLIENT_ID',
      'COGNITO_FRONTEND_CLIENT_ID',
    ] as const),
  ),
) {
  /** Read only by the provisioning tool, which finds the pool by this name; the service uses ids. */
  @IsOptional()
  @Matches(/^[\w\s+=,.@-]{1,128}$/, {
    message: 'COGNITO_POOL_NAME must be 1 to 128 letters, digits, spaces or any of + = , . @ _ -',
  })
  COGNITO_POOL_NAME: string = DEFAULT_POOL_NAME;

  /**
   * A verified SES identity for the mails Cognito sends itself (forgot-password codes); without one
   * Cognito's default sender allows 50 a day per AWS account. Needed whenever COGNITO_SES_FROM is set.
   */
  @ValidateIf(
    (env: ProvisionVariables) =>
      env.COGNITO_SES_SOURCE_ARN !== undefined || env.COGNITO_SES_FROM !== undefined,
  )
  @Matches(/^arn:aws[\w-]*:ses:[a-z0-9-]+:\d{12}:identity\/.+$/, {
    message:
      'COGNITO_SES_SOURCE_ARN must be an SES identity ARN like arn:aws:ses:eu-west-1:123456789012:identity/example.com',
  })
  COGNITO_SES_SOURCE_ARN?: string;

  /** The sender of Cognito's own mails: `no-reply@example.com` or `Example <no-reply@example.com>`. */
  @IsOptional()
  @Matches(/^([^<>@\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
    message: 'COGNITO_SES_FROM must be an address, or a name and <address>',
  })
  COGNITO_SES_FROM?: string;
}

export interface ProvisionConfig {
  region: string;
  endpoint?: string;
  poolName: string;
  userPoolId?: string;
  backendClientId?: string;
  frontendClientId?: string;
  /** The SES identity for Cognito's own mails, when given. */
  ses?: { sourceArn: string; from?: string };
}

/** The provisioning tool's configuration from the environment; throws one error listing every problem. */
export function provisionConfig(raw: Record<string, unknown> = process.env): ProvisionConfig {
  const env = validateVariables(ProvisionVariables, raw);
  return {
    region: env.AWS_REGION,
    endpoint: env.COGNITO_ENDPOINT,
    poolName: env.COGNITO_POOL_NAME,
    userPoolId: env.COGNITO_USER_POOL_ID,
    backendClientId: env.COGNITO_BACKEND_CLIENT_ID,
    frontendClientId: env.COGNITO_FRONTEND_CLIENT_ID,
    ...(env.COGNITO_SES_SOURCE_ARN
      ? { ses: { sourceArn: env.COGNITO_SES_SOURCE_ARN, from: env.COGNITO_SES_FROM } }
      : {}),
  };
}
