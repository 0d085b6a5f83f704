/**
 * Domain errors: thrown by services and SDK wrappers, mapped to HTTP in one place
 * (DomainExceptionFilter). The code is stable and is part of the error response body.
 */
export const ERROR_STATUS = {
  INVALID_ACTIVATION_LINK: 400,
  INVALID_CONFIRMATION_LINK: 400,
  INVALID_RESET_LINK: 400,
  INVALID_RESTORE_LINK: 400,
  INVALID_PASSWORD: 400,
  INVALID_CURSOR: 400,
  INVALID_MFA_CODE: 400,
  CAPTCHA_FAILED: 400,
  UNAUTHENTICATED: 401,
  REAUTHENTICATION_REQUIRED: 401,
  TOKEN_SCOPE_MISSING: 401,
  PASSWORD_RESET_REQUIRED: 401,
  NOT_AUTHORIZED: 403,
  FORBIDDEN: 403,
  USER_NOT_FOUND: 404,
  DEAD_LETTER_NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  USERNAME_TAKEN: 409,
  NOT_INVITED: 409,
  LAST_ADMIN: 409,
  OWN_ACCOUNT: 409,
  RATE_LIMITED: 429,
  IDENTITY_PROVIDER_UNAVAILABLE: 503,
  MAIL_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  SERVICE_BUSY: 503,
  CAPTCHA_UNAVAILABLE: 503,
  EVENT_SINK_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A domain error class whose message is fixed: only its cause varies. */
const withMessage = (code: ErrorCode, message: string) =>
  class extends DomainError {
    constructor(options?: ErrorOptions) {
      super(code, message, options);
    }
  };

/** Cognito said the user does not exist. */
export class UserNotFoundError extends withMessage('USER_NOT_FOUND', 'User not found') {}

/** Cognito refused the credentials (wrong or expired password, disabled user). */
export class NotAuthorizedError extends withMessage('NOT_AUTHORIZED', 'Not authorized') {}

/** A valid token whose user may not do this (not an admin). */
export class ForbiddenError extends withMessage('FORBIDDEN', 'You may not do this') {}

/** Another account already uses this email address. */
export class EmailTakenError extends withMessage('EMAIL_TAKEN', 'This email address is already in use') {}

/** A user with this username exists already (a retried create meets its own first try). */
export class UsernameTakenError extends withMessage('USERNAME_TAKEN', 'This username is already in use') {}

/** The account is not waiting for its activation (it is active or disabled): no invitation to renew. */
export class NotInvitedError extends withMessage(
  'NOT_INVITED',
  'This account is not waiting for its activation',
) {}

/** Cognito is throttling, failing or out of reach: the client may retry later. */
export class IdentityProviderUnavailableError extends withMessage(
  'IDENTITY_PROVIDER_UNAVAILABLE',
  'The identity provider is unavailable, please retry later',
) {}

/** The mail server refused the message or could not be reached: the client may retry later. */
export class MailUnavailableError extends withMessage(
  'MAIL_UNAVAILABLE',
  'Email could not be sent, please retry later',
) {}

/** The shared store for rate limits and locks (Redis) is out of reach: the client may retry later. */
export class StoreUnavailableError extends withMessage(
  'STORE_UNAVAILABLE',
  'The service is temporarily unavailable, please retry later',
) {}

/** A webhook receiver or EventBridge did not take an event: its delivery job retries (never an HTTP answer). */
export class EventSinkUnavailableError extends withMessage(
  'EVENT_SINK_UNAVAILABLE',
  'The event receiver is unavailable, delivery will be retried',
) {}

export class DeadLetterNotFoundError extends withMessage('DEAD_LETTER_NOT_FOUND', 'No such dead letter') {}

/** Wrong token, unknown user, already activated or expired: deliberately one error. */
export class InvalidActivationLinkError extends withMessage(
  'INVALID_ACTIVATION_LINK',
  'Invalid or expired activation link',
) {}

/** Wrong, expired, cancelled or used token, or unknown user: deliberately one error. */
export class InvalidConfirmationLinkError extends withMessage(
  'INVALID_CONFIRMATION_LINK',
  'Invalid or expired confirmation link',
) {}

/** Wrong, used, replaced or expired token, unknown or inactive user: deliberately one error. */
export class InvalidResetLinkError extends withMessage(
  'INVALID_RESET_LINK',
  'Invalid or expired password reset link',
) {}

/** Wrong, used or expired "this wasn't me" token, or unknown user: deliberately one error. */
export class InvalidRestoreLinkError extends withMessage('INVALID_RESTORE_LINK', 'Invalid or expired link') {}

/** The authenticator code is wrong or stale, or no set-up was started for it. */
export class InvalidMfaCodeError extends withMessage('INVALID_MFA_CODE', 'Invalid authenticator code') {}

/** The password breaks the user pool's policy; the message is Cognito's own, safe to show. */
export class InvalidPasswordError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('INVALID_PASSWORD', message, options);
  }
}

/** The password was used before: the pool's password history refuses it (a weak one is the parent). */
export class PasswordReusedError extends InvalidPasswordError {
  constructor(options?: ErrorOptions) {
    super('This password was used before on this account. Choose one you have not used.', options);
  }
}

/** The admin list's `cursor` is not one this service handed out for this query. */
export class InvalidCursorError extends withMessage(
  'INVALID_CURSOR',
  'Invalid cursor: pass the cursor of the previous page of the same query unchanged, or none',
) {}

/**
 * The token is valid but lacks the `aws.cognito.signin.user.admin` scope, which Cognito requires to
 * ask about it (GetUser): signing in again the same way gives the same token, so it is not UNAUTHENTICATED.
 */
export class TokenScopeMissingError extends withMessage(
  'TOKEN_SCOPE_MISSING',
  'This access token lacks the aws.cognito.signin.user.admin scope needed here: request that scope when signing in',
) {}

/** Cognito wants the user to reset the password before the account is used (status RESET_REQUIRED). */
export class PasswordResetRequiredError extends withMessage(
  'PASSWORD_RESET_REQUIRED',
  'The password of this account must be reset: ask for a password reset link',
) {}

/** No usable access token: missing, malformed, expired, or not minted for the frontend client. */
export class UnauthenticatedError extends DomainError {
  constructor(reason: string, options?: ErrorOptions) {
    super('UNAUTHENTICATED', reason, options);
  }
}

/** Too many requests for this client, address or user; `retryAfterSeconds` goes into Retry-After. */
export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many requests, please retry later');
  }
}

/** The token is valid but the sign-in behind it is too old for this: sign in again, then retry. */
export class ReauthenticationRequiredError extends withMessage(
  'REAUTHENTICATION_REQUIRED',
  'Please sign in again to do this',
) {}

/**
 * The public routes that start Cognito work are over their global budget or the job queue is over
 * its ceiling: the same answer for every address, with `retryAfterSeconds` in Retry-After.
 */
export class ServiceBusyError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('SERVICE_BUSY', 'The service is busy, please retry later');
  }
}

/** The CAPTCHA token is missing, expired, used or wrong (the provider said so). */
export class CaptchaFailedError extends withMessage(
  'CAPTCHA_FAILED',
  'Complete the CAPTCHA check and send its token in the X-Captcha-Token header',
) {}

/** The CAPTCHA provider could not be asked: nothing is let through unchecked, the client may retry. */
export class CaptchaUnavailableError extends withMessage(
  'CAPTCHA_UNAVAILABLE',
  'The CAPTCHA check is unavailable, please retry later',
) {}

/** Disabling or deleting this admin would leave the admin group without an enabled member. */
export class LastAdminError extends withMessage(
  'LAST_ADMIN',
  'This is the last enabled admin: add another admin before disabling or deleting this one',
) {}

/** An admin route aimed at the caller's own account, which would lock the caller out. */
export class OwnAccountError extends DomainError {
  constructor(selfServiceRoute: string) {
    super('OWN_ACCOUNT', `This is your own account: use ${selfServiceRoute} instead`);
  }
}
