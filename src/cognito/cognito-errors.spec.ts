import {
  DomainError,
  EmailTakenError,
  ForbiddenError,
  IdentityProviderUnavailableError,
  InvalidPasswordError,
  NotAuthorizedError,
  PasswordResetRequiredError,
  PasswordReusedError,
  StoreUnavailableError,
  UserNotFoundError,
  UsernameTakenError,
} from '../common/errors';
import { reportAccessDenied, toDomainError } from './cognito-errors';

/** An error shaped like the SDK's service exceptions: a name, a message, maybe a code and an HTTP status. */
function sdkError(name: string, message = `${name} happened`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

const withStatus = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('toDomainError', () => {
  // Every exception of the API reference reachable from what a client sends, for each operation called.
  it.each([
    ['UserNotFoundException', UserNotFoundError, 'USER_NOT_FOUND', 400],
    ['UsernameExistsException', UsernameTakenError, 'USERNAME_TAKEN', 400],
    ['NotAuthorizedException', NotAuthorizedError, 'NOT_AUTHORIZED', 400],
    ['UserNotConfirmedException', NotAuthorizedError, 'NOT_AUTHORIZED', 400],
    ['AliasExistsException', EmailTakenError, 'EMAIL_TAKEN', 400],
    ['PasswordHistoryPolicyViolationException', PasswordReusedError, 'INVALID_PASSWORD', 400],
    ['PasswordResetRequiredException', PasswordResetRequiredError, 'PASSWORD_RESET_REQUIRED', 400],
    ['ForbiddenException', ForbiddenError, 'FORBIDDEN', 403],
  ] as const)('translates %s', (name, type, code, status) => {
    const original = sdkError(name, 'Cognito internals: pool eu-west-1_X, user 42', withStatus(status));

    const translated = toDomainError(original);

    expect(translated).toBeInstanceOf(type);
    expect(translated).toMatchObject({ code, cause: original });
    // The domain message is ours, not Cognito's.
    expect((translated as DomainError).message).not.toContain('Cognito internals');
  });

  it('translates InvalidPasswordException and keeps Cognito message for the user', () => {
    const message = 'Password does not conform to policy: Password must have symbol characters';
    const original = sdkError('InvalidPasswordException', message, withStatus(400));

    const translated = toDomainError(original);

    expect(translated).toBeInstanceOf(InvalidPasswordError);
    expect(translated).toMatchObject({ code: 'INVALID_PASSWORD', message, cause: original });
  });

  it.each([
    ['TooManyRequestsException', sdkError('TooManyRequestsException', 'Rate exceeded', withStatus(400))],
    ['LimitExceededException', sdkError('LimitExceededException', 'Limit exceeded', withStatus(400))],
    ['InternalErrorException', sdkError('InternalErrorException', 'Internal error', withStatus(500))],
    ['ThrottlingException', sdkError('ThrottlingException')],
    [
      'AccessDeniedException (IAM lacks the action)',
      sdkError('AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/x is not authorized', {
        ...withStatus(400),
        $fault: 'client',
      }),
    ],
    ['an unmodelled 500', sdkError('UnknownError', 'oops', withStatus(500))],
    ['an unmodelled 502', sdkError('BadGateway', 'oops', withStatus(502))],
    ['a 503', sdkError('ServiceUnavailable', 'down', withStatus(503))],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED' }),
    ],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['an unknown host', Object.assign(new Error('getaddrinfo ENOTFOUND cognito'), { code: 'ENOTFOUND' })],
    ['a timeout', sdkError('TimeoutError', 'Connection timed out after 3000 ms')],
  ])('treats %s as the identity provider being unavailable', (_label, original) => {
    const translated = toDomainError(original);

    expect(translated).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(translated).toMatchObject({ code: 'IDENTITY_PROVIDER_UNAVAILABLE', cause: original });
  });

  it.each([
    sdkError('InvalidParameterException', 'Invalid attributes', withStatus(400)),
    sdkError('ResourceNotFoundException', 'User pool does not exist', withStatus(400)),
    new TypeError('Cannot read properties of undefined'),
  ])('leaves $name untranslated', (original) => {
    expect(toDomainError(original)).toBe(original);
  });

  it('does not let a name inherited from Object pick a translation', () => {
    const original = sdkError('constructor', 'odd', { ...withStatus(400), $fault: 'client' });
    expect(toDomainError(original)).toBe(original);
  });

  it("passes our own errors through with their reason (the lock's fence raises one before a call)", () => {
    const lost = new StoreUnavailableError();
    expect(toDomainError(lost)).toBe(lost);
  });

  it('leaves things that are not errors as they are', () => {
    const thrown = { name: 'UserNotFoundException' };
    expect(toDomainError(thrown)).toBe(thrown);
    expect(toDomainError('UserNotFoundException')).toBe('UserNotFoundException');
  });
});

describe('reportAccessDenied', () => {
  const logged = (error: unknown) => {
    const lines: string[] = [];
    reportAccessDenied(error, 'AdminUserGlobalSignOut', { error: (line: string) => void lines.push(line) });
    return lines;
  };

  it('names the operation and the IAM permission to grant, and nothing of the request', () => {
    const refused = sdkError(
      'AccessDeniedException',
      'User: arn:aws:sts::1:assumed-role/api is not authorized to perform: cognito-idp:AdminUserGlobalSignOut on resource pool for user 5f1e-secret',
      withStatus(400),
    );

    const [line, ...more] = logged(refused);

    expect(more).toEqual([]);
    expect(line).toContain('AdminUserGlobalSignOut');
    expect(line).toContain('cognito-idp:AdminUserGlobalSignOut');
    expect(line).not.toContain('5f1e-secret');
  });

  it('says nothing of other failures', () => {
    expect(logged(sdkError('TooManyRequestsException'))).toEqual([]);
    expect(logged('AccessDeniedException')).toEqual([]);
  });
});
