/** Who a verified access token speaks for. */
export interface Principal {
  /** The user's immutable id (`sub`). */
  sub: string;
  /** The Cognito username (a UUID here): the key for every admin call. */
  username: string;
  groups: string[];
  /** When the token was issued (`iat`, seconds since the epoch): revocation marks compare with it. */
  issuedAt: number;
  /** When the user signed in (`auth_time`, seconds since the epoch), if the token says. */
  authTime?: number;
}
