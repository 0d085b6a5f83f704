import {
  EmailTakenError,
  IdentityProviderUnavailableError,
  InvalidPasswordError,
  NotAuthorizedError,
  UserNotFoundError,
  UsernameTakenError,
} from '../common/errors';

/** Exceptions that mean "try again later": throttling, Cognito's own faults, the network. */
const UNAVAILABLE = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'InternalErrorException',
  'ServiceUnavailable',
  'ThrottlingException',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError']);

/** Translates an SDK failure into a domain error at this boundary, by the exception's name. */
export function toDomainError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  const code = (error as { code?: string }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'UserNotFoundException') return new UserNotFoundError({ cause: error });
  if (name === 'NotAuthorizedException') return new NotAuthorizedError({ cause: error });
  // Real Cognito only: a verified email that is another user's alias already.
  if (name === 'AliasExistsException') return new EmailTakenError({ cause: error });
  if (name === 'UsernameExistsException') return new UsernameTakenError({ cause: error });
  if (name === 'InvalidPasswordException') return new InvalidPasswordError(error.message, { cause: error });
  if (UNAVAILABLE.has(name) || (code && UNAVAILABLE.has(code)) || (status !== undefined && status >= 500)) {
    return new IdentityProviderUnavailableError({ cause: error });
  }
  // No HTTP answer at all and no service fault: the network failed (a dropped connection, an
  // unreachable host), whatever name the SDK's wrapper gave it. Bugs of ours keep their 500.
  if (status === undefined && !('$fault' in error) && !PROGRAMMING_ERRORS.has(name)) {
    return new IdentityProviderUnavailableError({ cause: error });
  }
  return error;
}
