import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { signInFrontend } from './cognito-pool';
import { activatedUser } from './flows';
import type { TestStack } from './stack';

/** A user in the admin group, signed in again after joining it (so the token carries the group). */
export async function adminUser(stack: TestStack, email: string) {
  const user = await activatedUser(stack, email);
  await stack.pool.client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: stack.pool.userPoolId,
      Username: user.username,
      GroupName: 'admin',
    }),
  );
  const tokens = await signInFrontend(stack.pool, user.username, user.password);
  return { ...user, accessToken: tokens.AccessToken ?? '' };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
