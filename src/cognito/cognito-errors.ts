import type { Logger } from '@nestjs/common';
import {
  DomainError,
  EmailTakenError,
  ForbiddenError,
  IdentityProviderUnavailableError,
  InvalidMfaCodeError,
  InvalidPasswordError,
  NotAuthorizedError,
  PasswordResetRequiredError,
  PasswordReusedError,
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

/**
 * IAM refused the call: the service's role lacks the action. Not the client's doing, and fixed by an
 * operator without a deploy, so the client is told to retry later and a job retries as in any outage.
 */
const ACCESS_DENIED = 'AccessDeniedException';

/**
 * Cognito's answers to what a client sent, by exception name (the API reference's errors of each
 * operation the service calls; the rest are our bugs or the pool's set-up, and stay a 500).
 * - AdminSetUserPassword: PasswordHistoryPolicyViolationException, a password the pool's history
 *   refuses; InvalidPasswordException, one its policy refuses (Cognito's message is kept).
 * - GetUser (asked with the user's token): PasswordResetRequiredException, an account whose password
 *   an operator reset; UserNotConfirmedException, one that may not sign in yet (refused like a
 *   revoked token); ForbiddenException, the pool's WAF web ACL refused the request.
 * - Admin calls on a user: UserNotFoundException, NotAuthorizedException; AdminCreateUser:
 *   UsernameExistsException; AdminUpdateUserAttributes: AliasExistsException (real Cognito only).
 * - VerifySoftwareToken: CodeMismatchException, a wrong code; EnableSoftwareTokenMFAException, a
 *   code Cognito could not verify (no set-up started, or an expired one).
 */
const CLIENT_CAUSED: Record<string, (error: Error) => Error> = {
  UserNotFoundException: (cause) => new UserNotFoundError({ cause }),
  NotAuthorizedException: (cause) => new NotAuthorizedError({ cause }),
  UserNotConfirmedException: (cause) => new NotAuthorizedError({ cause }),
  AliasExistsException: (cause) => new EmailTakenError({ cause }),
  UsernameExistsException: (cause) => new UsernameTakenError({ cause }),
  InvalidPasswordException: (cause) => new InvalidPasswordError(cause.message, { cause }),
  PasswordHistoryPolicyViolationException: (cause) => new PasswordReusedError({ cause }),
  PasswordResetRequiredException: (cause) => new PasswordResetRequiredError({ cause }),
  ForbiddenException: (cause) => new ForbiddenError({ cause }),
  CodeMismatchException: (cause) => new InvalidMfaCodeError({ cause }),
  EnableSoftwareTokenMFAException: (cause) => new InvalidMfaCodeError({ cause }),
};

const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError']);

/**
 * Cognito refused a parameter of the call (moto names it InvalidToken for a pagination token it
 * cannot read); the caller knows which parameter came from the client.
 */
export const isRefusedParameter = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'InvalidParameterException' || error.name === 'InvalidToken');

/** Translates an SDK failure into a domain error at this boundary, by the exception's name. */
export function toDomainError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  // Raised on our side before the call went out (the lock's fence): it already says what happened.
  if (error instanceof DomainError) return error;
  const name = error.name;
  const code = (error as { code?: string }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const translate = Object.hasOwn(CLIENT_CAUSED, name) ? CLIENT_CAUSED[name] : undefined;
  if (translate) return translate(error);
  if (
    name === ACCESS_DENIED ||
    UNAVAILABLE.has(name) ||
    (code && UNAVAILABLE.has(code)) ||
    (status !== undefined && status >= 500)
  ) {
    return new IdentityProviderUnavailableError({ cause: error });
  }
  // No HTTP answer at all and no service fault: the network failed (a dropped connection, an
  // unreachable host), whatever name the SDK's wrapper gave it. Bugs of ours keep their 500.
  if (status === undefined && !('$fault' in error) && !PROGRAMMING_ERRORS.has(name)) {
    return new IdentityProviderUnavailableError({ cause: error });
  }
  return error;
}

/**
 * Tells operators which IAM action to grant when Cognito answers AccessDeniedException: the operation
 * and its permission only, never the call's input (usernames, tokens, passwords).
 */
export function reportAccessDenied(error: unknown, operation: string, logger: Pick<Logger, 'error'>): void {
  if (!(error instanceof Error) || error.name !== ACCESS_DENIED) return;
  logger.error(
    `Cognito refused ${operation} (AccessDeniedException): the service's IAM policy lacks cognito-idp:${operation}`,
  );
}
