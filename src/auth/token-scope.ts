import { TokenScopeMissingError } from '../common/errors';
import { USER_ADMIN_SCOPE } from '../cognito/scopes';
import type { Principal } from './principal';

/**
 * Before asking Cognito about a token (GetUser), the token must carry the scope Cognito demands for
 * it: without it Cognito refuses it as NotAuthorized, which would read as "sign in again", and
 * signing in the same way would give the same token again.
 */
export function assertUserAdminScope(principal: Pick<Principal, 'scopes'>): void {
  if (!principal.scopes?.includes(USER_ADMIN_SCOPE)) throw new TokenScopeMissingError();
}
