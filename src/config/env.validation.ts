import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  validateSync,
  ValidationError,
} from 'class-validator';

const LINK_TEMPLATE = /^https?:\/\/.*\{username\}.*\{token\}|^https?:\/\/.*\{token\}.*\{username\}/;
const toInt = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value));

/** Every environment variable the service reads. Validated once at boot. */
export class EnvironmentVariables {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HOST: string = '0.0.0.0';

  @IsString()
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'AWS_REGION must look like eu-west-1' })
  AWS_REGION: string;

  @IsString()
  @Matches(/^[\w-]+_[0-9a-zA-Z]+$/, { message: 'COGNITO_USER_POOL_ID must look like eu-west-1_AbCdEf123' })
  COGNITO_USER_POOL_ID: string;

  @IsString()
  @Matches(/^[\w+]+$/, { message: 'COGNITO_BACKEND_CLIENT_ID must be an app client id' })
  COGNITO_BACKEND_CLIENT_ID: string;

  @IsString()
  @Matches(/^[\w+]+$/, { message: 'COGNITO_FRONTEND_CLIENT_ID must be an app client id' })
  COGNITO_FRONTEND_CLIENT_ID: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  COGNITO_ENDPOINT?: string;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['smtp', 'smtps'] })
  SMTP_URL: string;

  @IsString()
  @IsNotEmpty()
  MAIL_FROM: string;

  @Matches(LINK_TEMPLATE, {
    message: 'ACTIVATION_URL must be an http(s) URL containing {username} and {token}',
  })
  ACTIVATION_URL: string;

  @Matches(LINK_TEMPLATE, {
    message: 'EMAIL_CONFIRMATION_URL must be an http(s) URL containing {username} and {token}',
  })
  EMAIL_CONFIRMATION_URL: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  EMAIL_CONFIRMATION_TTL_HOURS: number = 24;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => {
    if (error.value === undefined) return [`${error.property} is required`];
    return Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    );
  });
}

/** ConfigModule's validate hook: returns the typed, defaulted variables or throws one error listing every problem. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  // A variable set to the empty string (`PORT=` in a unit or compose file) counts as unset.
  const given = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const env = plainToInstance(EnvironmentVariables, given, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new Error(
      `Invalid configuration:\n${describe(errors)
        .map((line) => `  - ${line}`)
        .join('\n')}`,
    );
  }
  return env;
}
