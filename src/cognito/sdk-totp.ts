import {
  AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { InvalidMfaCodeError } from '../common/errors';
import type { CognitoClient } from './cognito-client';

/**
 * The authenticator-app (TOTP) calls Cognito authorizes by the user's access token, not by IAM: the
 * token names the user, so no pool id or username goes with them.
 */

/** A new shared secret for the token's user (replacing an unverified one). */
export async function associateSoftwareToken(cognito: CognitoClient, accessToken: string): Promise<string> {
  const { SecretCode } = await cognito.call((c) =>
    c.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken })),
  );
  if (!SecretCode) throw new Error('Cognito returned no secret for AssociateSoftwareToken');
  return SecretCode;
}

/** Verifies the first code, then makes TOTP the enabled, preferred factor; a wrong code enables nothing. */
export async function verifyAndPreferTotp(
  cognito: CognitoClient,
  accessToken: string,
  code: string,
): Promise<void> {
  const { Status } = await cognito.call((c) =>
    c.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code })),
  );
  if (Status !== 'SUCCESS') throw new InvalidMfaCodeError();
  await cognito.call((c) =>
    c.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: accessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    ),
  );
}
