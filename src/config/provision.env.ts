import { IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { EnvironmentVariables, validateVariables } from './env.validation';

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
}

export interface ProvisionConfig {
  region: string;
  endpoint?: string;
  poolName: string;
  userPoolId?: string;
  backendClientId?: string;
  frontendClientId?: string;
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
  };
}
