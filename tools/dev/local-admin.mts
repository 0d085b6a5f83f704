import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes, randomUUID } from 'node:crypto';

/** The embedded stack's operator: signs in on /demo/admin.html (or the API) like any admin. */
export interface LocalAdmin {
  email: string;
  password: string;
}

export const LOCAL_ADMIN_EMAIL = 'admin@example.com';

/**
 * An active account in the admin group, made in the emulator the way an operator makes one on AWS
 * (create, set a permanent password, add to the group). Its password is new on every start: the
 * emulator forgets everything when it stops, and nothing fixed ends up in the repository.
 */
export async function seedLocalAdmin(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  group = 'admin',
): Promise<LocalAdmin> {
  const username = randomUUID();
  // Meets the pool's policy: upper, lower, digit, symbol, and long enough.
  const password = `Admin-${randomBytes(9).toString('base64url')}-7a`;
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: LOCAL_ADMIN_EMAIL },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: password,
      Permanent: true,
    }),
  );
  await client.send(
    new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
  );
  return { email: LOCAL_ADMIN_EMAIL, password };
}
