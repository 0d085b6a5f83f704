import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AttributeType,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  EmailTakenError,
  IdentityProviderUnavailableError,
  InvalidPasswordError,
  NotAuthorizedError,
  UserNotFoundError,
} from '../common/errors';
import { ExpiringCache } from '../common/expiring-cache';
import { cognitoConfig } from '../config/configuration';

/** How long a profile read may be answered from memory (GET /accounts/me). */
const RECENT_READ_MS = 5_000;
const RECENT_READS_KEPT = 10_000;

/** A user as this service sees it: no AWS types leave this module. */
export interface PoolUser {
  username: string;
  /** FORCE_CHANGE_PASSWORD until the activation link has been used. */
  status: string;
  createdAt: Date;
  attributes: Record<string, string>;
}

/** The state of an account that is waiting for its activation (a NEW_PASSWORD_REQUIRED challenge). */
export interface PendingActivation {
  session: string;
  /** The user's attributes as Cognito hands them with the challenge (may be empty). */
  attributes: Record<string, string>;
}

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

const toRecord = (attributes: AttributeType[] = []): Record<string, string> =>
  Object.fromEntries(attributes.map(({ Name, Value }) => [Name ?? '', Value ?? '']));

const toAttributes = (record: Record<string, string>): AttributeType[] =>
  Object.entries(record).map(([Name, Value]) => ({ Name, Value }));

const toPoolUser = (user: UserType): PoolUser => ({
  username: user.Username ?? '',
  status: user.UserStatus ?? 'UNKNOWN',
  createdAt: user.UserCreateDate ?? new Date(0),
  attributes: toRecord(user.Attributes),
});

/**
 * The one wrapper over the Cognito SDK. Every call goes through the backend app client / admin
 * API; SDK exceptions become domain errors here, so the rest of the service never sees AWS types.
 */
@Injectable()
export class CognitoService implements OnModuleDestroy {
  private readonly client: CognitoIdentityProviderClient;
  /** Users read lately, for getRecentUser; every write through this wrapper drops the user's entry. */
  private readonly recentReads = new ExpiringCache<PoolUser>(RECENT_READS_KEPT);

  constructor(@Inject(cognitoConfig.KEY) private readonly config: ConfigType<typeof cognitoConfig>) {
    this.client = new CognitoIdentityProviderClient({
      region: config.region,
      endpoint: config.endpoint,
      // Adaptive retries back off under Cognito's quotas; the budget is bounded so a request fails
      // with 503 in about COGNITO_MAX_ATTEMPTS x COGNITO_TIMEOUT_MS at worst, never hangs.
      maxAttempts: config.maxAttempts,
      retryMode: 'adaptive',
      requestHandler: {
        connectionTimeout: Math.min(3_000, config.timeoutMs),
        requestTimeout: config.timeoutMs,
        // Without it the SDK only logs a breached request timeout and keeps waiting.
        throwOnRequestTimeout: true,
        httpAgent: { keepAlive: true },
        httpsAgent: { keepAlive: true },
      },
    });
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  /** Every user whose email attribute equals the address (all pages). */
  async findUsersByEmail(email: string): Promise<PoolUser[]> {
    const users: PoolUser[] = [];
    let token: string | undefined;
    do {
      const page = await this.call((c) =>
        c.send(
          new ListUsersCommand({
            UserPoolId: this.config.userPoolId,
            Filter: `email = "${email.replace(/["\\]/g, '\\$&')}"`,
            PaginationToken: token,
          }),
        ),
      );
      users.push(...(page.Users ?? []).map(toPoolUser));
      token = page.PaginationToken;
    } while (token);
    return users;
  }

  /** Creates a user without any Cognito message; the caller sends its own. */
  async createUser(
    username: string,
    temporaryPassword: string,
    attributes: Record<string, string>,
  ): Promise<PoolUser> {
    const { User } = await this.call((c) =>
      c.send(
        new AdminCreateUserCommand({
          UserPoolId: this.config.userPoolId,
          Username: username,
          TemporaryPassword: temporaryPassword,
          MessageAction: 'SUPPRESS',
          UserAttributes: toAttributes(attributes),
        }),
      ),
    );
    return toPoolUser(User ?? { Username: username });
  }

  /** Replaces a not-yet-activated user's temporary password (the old activation link stops working). */
  async setTemporaryPassword(username: string, temporaryPassword: string): Promise<void> {
    this.recentReads.delete(username);
    await this.call((c) =>
      c.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.config.userPoolId,
          Username: username,
          Password: temporaryPassword,
          Permanent: false,
        }),
      ),
    );
  }

  /**
   * The user as read at most RECENT_READ_MS ago (by this instance): for showing a profile, never for
   * checking a secret. Writes made here are seen at once; another instance's after RECENT_READ_MS.
   */
  async getRecentUser(username: string): Promise<PoolUser> {
    return this.recentReads.get(username) ?? (await this.getUser(username));
  }

  /** The user as Cognito has it now. */
  async getUser(username: string): Promise<PoolUser> {
    const user = await this.call((c) =>
      c.send(new AdminGetUserCommand({ UserPoolId: this.config.userPoolId, Username: username })),
    );
    const poolUser = toPoolUser({ ...user, Attributes: user.UserAttributes });
    this.recentReads.set(username, poolUser, Date.now() + RECENT_READ_MS);
    return poolUser;
  }

  async updateAttributes(username: string, attributes: Record<string, string>): Promise<void> {
    this.recentReads.delete(username);
    await this.call((c) =>
      c.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.config.userPoolId,
          Username: username,
          UserAttributes: toAttributes(attributes),
        }),
      ),
    );
  }

  /** Removes attributes; removing one that is not set is not an error. */
  async deleteAttributes(username: string, names: string[]): Promise<void> {
    this.recentReads.delete(username);
    await this.call((c) =>
      c.send(
        new AdminDeleteUserAttributesCommand({
          UserPoolId: this.config.userPoolId,
          Username: username,
          UserAttributeNames: names,
        }),
      ),
    );
  }

  async deleteUser(username: string): Promise<void> {
    this.recentReads.delete(username);
    await this.call((c) =>
      c.send(new AdminDeleteUserCommand({ UserPoolId: this.config.userPoolId, Username: username })),
    );
  }

  /**
   * Signs in with a temporary password. Resolves only when Cognito asks for a new password; any
   * other outcome (wrong or expired password, an already active user) is NotAuthorizedError.
   */
  async startActivation(username: string, temporaryPassword: string): Promise<PendingActivation> {
    const result = await this.call((c) =>
      c.send(
        new AdminInitiateAuthCommand({
          UserPoolId: this.config.userPoolId,
          ClientId: this.config.backendClientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: temporaryPassword },
        }),
      ),
    );
    if (result.ChallengeName !== 'NEW_PASSWORD_REQUIRED' || !result.Session) throw new NotAuthorizedError();
    return { session: result.Session, attributes: parseChallengeAttributes(result.ChallengeParameters) };
  }

  /** Answers the NEW_PASSWORD_REQUIRED challenge; the tokens Cognito returns are discarded. */
  async completeActivation(username: string, session: string, newPassword: string): Promise<void> {
    this.recentReads.delete(username);
    await this.call((c) =>
      c.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: this.config.userPoolId,
          ClientId: this.config.backendClientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
        }),
      ),
    );
  }

  private async call<Output>(
    send: (client: CognitoIdentityProviderClient) => Promise<Output>,
  ): Promise<Output> {
    try {
      return await send(this.client);
    } catch (error) {
      throw toDomainError(error);
    }
  }
}

function parseChallengeAttributes(parameters: Record<string, string> | undefined): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(parameters?.userAttributes ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    // Cognito documents this parameter as JSON; anything else is treated as "no attributes".
    return {};
  }
}
