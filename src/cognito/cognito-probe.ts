import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Injectable } from '@nestjs/common';
import { UserNotFoundError } from '../common/errors';
import { CognitoClient } from './cognito-client';

/** Not a UUID, so never one of this service's usernames: the answer is always "no such user". */
const PROBE_USERNAME = 'readiness-probe';

/**
 * Whether Cognito answers this service's calls, for readiness. AdminGetUser of a user that cannot
 * exist: its UserNotFoundException proves the endpoint, the pool, the credentials and the IAM
 * permission at once. It counts against UserRead, the largest per-pool quota, rather than
 * DescribeUserPool's small UserPoolRead quota or the ListUsers quota that every signup spends.
 */
@Injectable()
export class CognitoProbe {
  constructor(private readonly cognito: CognitoClient) {}

  /** Resolves when Cognito answered; otherwise throws why (unreachable, throttled, credentials, permission). */
  async check(): Promise<void> {
    try {
      await this.cognito.call((sdk) =>
        sdk.send(new AdminGetUserCommand({ UserPoolId: this.cognito.userPoolId, Username: PROBE_USERNAME })),
      );
    } catch (error) {
      if (!(error instanceof UserNotFoundError)) throw error;
    }
  }
}
