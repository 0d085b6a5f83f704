/** Who a verified access token speaks for. */
export interface Principal {
  /** The user's immutable id (`sub`): the key for everything this service keeps about the user. */
  sub: string;
  /** The Cognito username (a UUID here): the key for every admin call. */
  username: string;
  groups: string[];
  /** When the token was issued (`iat`, seconds). */
  issuedAt: number;
  /** The token's OAuth scopes (its `scope` claim, split at spaces); none when it has no such claim. */
  scopes?: string[];
  /** When the user last signed in with a password (`auth_time`, seconds), if the token says. */
  authTime?: number;
}
