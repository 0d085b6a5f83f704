import type { UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { USER_ADMIN_SCOPE } from '../cognito/scopes.ts';
import { differs, listDifferences, sorted, type Difference } from './difference.ts';
import { backendClientDefinition, frontendClientDefinition } from './user-pool.definition.ts';

export const CLIENTS = { backend: backendClientDefinition, frontend: frontendClientDefinition };
export type ClientRole = keyof typeof CLIENTS;
export const CLIENT_ROLES = Object.keys(CLIENTS) as ClientRole[];

function attributeAccessDifferences(
  where: string,
  verb: 'read' | 'write',
  expected: readonly string[],
  actual: readonly string[] | undefined,
): Difference[] {
  // Cognito's documented default for a client without a list: every standard attribute (email too).
  if (!actual?.length) {
    return differs(
      where,
      `may ${verb} every standard attribute (no list set)`,
      sorted(expected),
      'all standard attributes',
    );
  }
  return listDifferences(where, { extra: `may ${verb}`, missing: `cannot ${verb}` }, expected, actual);
}

/**
 * With OAuth flows on (a managed login), Cognito puts in a token only the scopes the client allows,
 * and the write routes ask Cognito about the token (GetUser), which needs USER_ADMIN_SCOPE: the
 * frontend client's AllowedOAuthScopes as they must be, or nothing when they need no change.
 */
export function requiredOAuthScopes(
  role: ClientRole,
  client: Pick<UserPoolClientType, 'AllowedOAuthFlowsUserPoolClient' | 'AllowedOAuthScopes'>,
): Pick<UserPoolClientType, 'AllowedOAuthScopes'> {
  const scopes = client.AllowedOAuthScopes ?? [];
  if (
    role !== 'frontend' ||
    client.AllowedOAuthFlowsUserPoolClient !== true ||
    scopes.includes(USER_ADMIN_SCOPE)
  ) {
    return {};
  }
  return { AllowedOAuthScopes: [...scopes, USER_ADMIN_SCOPE] };
}

/** One app client; a missing one is created, a secret cannot be removed, the rest one update fixes. */
export function clientDifferences(role: ClientRole, client: UserPoolClientType | undefined): Difference[] {
  const where = `${role} client`;
  const design = CLIENTS[role]('');
  if (!client) {
    return [
      { where, what: 'no such app client', expected: design.ClientName, actual: undefined, fixable: true },
    ];
  }
  return [
    ...differs(
      where,
      'must have no client secret (GenerateSecret)',
      false,
      client.ClientSecret !== undefined,
      false,
    ),
    ...listDifferences(
      where,
      { extra: 'allows auth flows beyond the design:', missing: 'lacks auth flows:' },
      design.ExplicitAuthFlows,
      client.ExplicitAuthFlows ?? [],
    ),
    ...attributeAccessDifferences(where, 'read', design.ReadAttributes, client.ReadAttributes),
    ...attributeAccessDifferences(where, 'write', design.WriteAttributes, client.WriteAttributes),
    ...differs(
      where,
      'must not reveal whether a user exists (PreventUserExistenceErrors)',
      design.PreventUserExistenceErrors,
      client.PreventUserExistenceErrors ?? 'LEGACY',
    ),
    ...differs(
      where,
      'token revocation (EnableTokenRevocation)',
      true,
      client.EnableTokenRevocation ?? false,
    ),
    ...differs(
      where,
      `has OAuth flows on but does not allow the ${USER_ADMIN_SCOPE} scope its tokens need on write routes (AllowedOAuthScopes)`,
      sorted(requiredOAuthScopes(role, client).AllowedOAuthScopes ?? client.AllowedOAuthScopes),
      sorted(client.AllowedOAuthScopes),
    ),
  ];
}
