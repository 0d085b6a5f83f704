/** Who a verified access token speaks for. */
export interface Principal {
  /** The user's immutable id (`sub`). */
  sub: string;
  /** The Cognito username (a UUID here): the key for every admin call. */
  username: string;
  groups: string[];
}
