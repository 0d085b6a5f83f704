import { isRecord, JSON_TYPE, str, TARGET_PREFIX, type Answer, type Json } from './cognito-wire.ts';

/** Pool ids begin with their region: `eu-west-1_AbC123`. */
const regionOf = (userPoolId: string) => userPoolId.split('_')[0];

const attribute = (user: Json, name: string) =>
  (Array.isArray(user.Attributes) ? (user.Attributes as Json[]) : []).find((a) => a.Name === name)?.Value;

/**
 * Sign-in by a verified email alias, which moto lacks: `InitiateAuth` / `AdminInitiateAuth` with an
 * email as `USERNAME` get the username of the user whose verified email it is, as a pool with
 * `AliasAttributes: ['email']` resolves it. Reads what it needs from moto (`upstream`) itself.
 */
export function aliasSignIn(upstream: URL) {
  const poolOfClient = new Map<string, string>();
  const poolSettings = new Map<string, { emailAlias: boolean; caseSensitive: boolean }>();
  /** A pool's alias settings as its definition (CreateUserPool's input, or a described pool) states them. */
  const poolSettingsOf = (pool: Json) => {
    const aliases = Array.isArray(pool.AliasAttributes) ? pool.AliasAttributes : [];
    const usernameConfig = isRecord(pool.UsernameConfiguration) ? pool.UsernameConfiguration : {};
    // Cognito's API default, when the definition says nothing, is case-sensitive usernames.
    return { emailAlias: aliases.includes('email'), caseSensitive: usernameConfig.CaseSensitive !== false };
  };
  /** Remembers what moto forgets of a pool created through the layer. */
  const created =
    (input: Json) =>
    (answer: Answer): Answer => {
      const id = isRecord(answer.body.UserPool) ? str(answer.body.UserPool.Id) : undefined;
      if (id) poolSettings.set(id, poolSettingsOf(input));
      return answer;
    };
  /** The regions of the signed requests seen (moto keeps pools per region). */
  const regions = new Set<string>();

  /**
   * The layer's own calls to moto: neither counted, validated nor lagged. moto reads the region
   * (where pools live) from the credential scope of the Authorization header, so each call names one.
   */
  const call = async (region: string, operation: string, input: Json): Promise<Json> => {
    const auth = `AWS4-HMAC-SHA256 Credential=fidelity/20160418/${region}/cognito-idp/aws4_request, SignedHeaders=host, Signature=0`;
    const res = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE, 'x-amz-target': TARGET_PREFIX + operation, authorization: auth },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as Json;
    if (!res.ok) throw new Error(`moto ${operation}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  /**
   * The pool of an app client, for `InitiateAuth` (which names only the client and is not signed, so
   * says nothing of its region): searched in the regions of the pools seen so far.
   */
  const poolIdOfClient = async (clientId: string): Promise<string | undefined> => {
    for (const region of regions) {
      if (poolOfClient.has(clientId)) break;
      const { UserPools = [] } = (await call(region, 'ListUserPools', { MaxResults: 60 })) as {
        UserPools?: Json[];
      };
      for (const pool of UserPools) {
        const UserPoolId = str(pool.Id);
        const { UserPoolClients = [] } = (await call(region, 'ListUserPoolClients', {
          UserPoolId,
          MaxResults: 60,
        })) as {
          UserPoolClients?: Json[];
        };
        for (const c of UserPoolClients) if (UserPoolId) poolOfClient.set(String(c.ClientId), UserPoolId);
      }
    }
    return poolOfClient.get(clientId);
  };

  /** Alias settings of a pool (read once; moto keeps AliasAttributes but drops UsernameConfiguration). */
  const settingsOf = async (userPoolId: string) => {
    let settings = poolSettings.get(userPoolId);
    if (!settings) {
      const { UserPool = {} } = (await call(regionOf(userPoolId), 'DescribeUserPool', {
        UserPoolId: userPoolId,
      })) as {
        UserPool?: Json;
      };
      settings = poolSettingsOf(UserPool);
      poolSettings.set(userPoolId, settings);
    }
    return settings;
  };

  const listUsers = async (userPoolId: string, filter?: string): Promise<Json[]> => {
    const users: Json[] = [];
    let token: string | undefined;
    do {
      const page = (await call(regionOf(userPoolId), 'ListUsers', {
        UserPoolId: userPoolId,
        Filter: filter,
        PaginationToken: token,
      })) as {
        Users?: Json[];
        PaginationToken?: string;
      };
      users.push(...(page.Users ?? []));
      token = page.PaginationToken;
    } while (token);
    return users;
  };

  /**
   * The username of the user whose verified email is `alias`, as Cognito resolves a sign-in alias
   * (case-insensitively in a pool whose usernames are). Cognito keeps an alias on one user; moto
   * does not, so of several the most recently changed wins.
   */
  const resolveAlias = async (userPoolId: string, alias: string): Promise<string | undefined> => {
    const { emailAlias, caseSensitive } = await settingsOf(userPoolId);
    if (!emailAlias) return undefined;
    const same = (email: unknown) =>
      typeof email === 'string' &&
      (caseSensitive ? email === alias : email.toLowerCase() === alias.toLowerCase());
    const escape = (s: string) => s.replace(/["\\]/g, '\\$&');
    // moto's filter is exact: ask for the common spellings first, read the whole pool only if they miss.
    const spellings = [...new Set([alias, caseSensitive ? alias : alias.toLowerCase()])];
    let found: Json[] = [];
    for (const s of spellings) found.push(...(await listUsers(userPoolId, `email = "${escape(s)}"`)));
    if (found.length === 0 && !caseSensitive) found = await listUsers(userPoolId);
    const [user] = found
      .filter((u) => same(attribute(u, 'email')) && attribute(u, 'email_verified') === 'true')
      .sort((a, b) => Number(b.UserLastModifiedDate ?? 0) - Number(a.UserLastModifiedDate ?? 0));
    return str(user?.Username);
  };

  /** Rewrites an email alias in `AuthParameters.USERNAME` to the user's username. */
  const signInByAlias = async (operation: string, input: Json): Promise<boolean> => {
    const params = input.AuthParameters;
    const username = isRecord(params) ? str(params.USERNAME) : undefined;
    // A pool with an email alias refuses usernames in email format, so only an email can be an alias.
    if (!isRecord(params) || !username?.includes('@')) return false;
    const userPoolId =
      operation === 'AdminInitiateAuth'
        ? str(input.UserPoolId)
        : await poolIdOfClient(String(input.ClientId));
    const resolved = userPoolId && (await resolveAlias(userPoolId, username));
    if (!resolved) return false;
    params.USERNAME = resolved;
    return true;
  };

  return {
    /** Notes the region of a signed request: where `InitiateAuth`'s client will be looked for. */
    sawRegion: (region: string) => void regions.add(region),
    created,
    signInByAlias,
  };
}
