import { isRecord, str, type Answer, type Json } from './cognito-wire.ts';

/** Cognito's default `AuthSessionValidity` of an app client, in minutes (the API allows 3 to 15). */
const DEFAULT_VALIDITY_MINUTES = 3;

/** The challenges whose answer is a code, and whose username moto leaves out of ChallengeParameters. */
const CODE_CHALLENGES = new Set(['SOFTWARE_TOKEN_MFA', 'SMS_MFA']);

interface Pending {
  username: string;
  expiresAt: number;
  spent: boolean;
}

export interface Refusal {
  type: string;
  message: string;
}

/**
 * The sessions of sign-in challenges as Cognito keeps them, where moto keeps them forever:
 * - a challenge's `Session` lasts the app client's `AuthSessionValidity` (minutes; 3 unless the
 *   client was created or updated through the layer with another value), after which
 *   `RespondToAuthChallenge` is refused with `NotAuthorizedException`;
 * - a session that led to tokens (or to the next challenge) is spent: answering it again is
 *   `NotAuthorizedException` (moto answers `ResourceNotFoundException`);
 * - an MFA challenge names the user in `ChallengeParameters.USER_ID_FOR_SRP`, as Cognito names the
 *   username (never the email alias the sign-in used) that `ChallengeResponses.USERNAME` must carry.
 * A wrong code leaves the challenge standing (moto: `CodeMismatchException`, session kept), as in Cognito.
 */
export function challengeSessions(now: () => number) {
  const validityOfClient = new Map<string, number>();
  const pending = new Map<string, Pending>();

  /** Remembers an app client's AuthSessionValidity from CreateUserPoolClient / UpdateUserPoolClient. */
  const clientWritten =
    (input: Json) =>
    (answer: Answer): Answer => {
      const client = isRecord(answer.body.UserPoolClient) ? answer.body.UserPoolClient : {};
      const id = str(client.ClientId) ?? str(input.ClientId);
      const minutes = typeof input.AuthSessionValidity === 'number' ? input.AuthSessionValidity : undefined;
      if (id) validityOfClient.set(id, minutes ?? DEFAULT_VALIDITY_MINUTES);
      return answer;
    };

  /** Whether Cognito would refuse this RespondToAuthChallenge / AdminRespondToAuthChallenge at once. */
  const refuses = (input: Json): Refusal | undefined => {
    const session = pending.get(str(input.Session) ?? '');
    if (!session) return undefined;
    const type = 'NotAuthorizedException';
    if (session.spent)
      return { type, message: 'Invalid session for the user, session can only be used once.' };
    if (now() >= session.expiresAt)
      return { type, message: 'Invalid session for the user, session is expired.' };
    return undefined;
  };

  /**
   * After a successful sign-in call (`InitiateAuth`, `AdminInitiateAuth` or a response to a
   * challenge), as it was sent to moto: notes a new challenge's session, spends the answered one.
   */
  const signInAnswered =
    (input: Json) =>
    (answer: Answer): Answer => {
      const answered = pending.get(str(input.Session) ?? '');
      if (answered) answered.spent = true;
      const session = str(answer.body.Session);
      const challenge = str(answer.body.ChallengeName);
      const params = isRecord(input.AuthParameters) ? input.AuthParameters : {};
      const responses = isRecord(input.ChallengeResponses) ? input.ChallengeResponses : {};
      const username = str(params.USERNAME) ?? str(responses.USERNAME) ?? answered?.username;
      if (!session || !challenge || !username) return answer;
      const minutes = validityOfClient.get(str(input.ClientId) ?? '') ?? DEFAULT_VALIDITY_MINUTES;
      for (const [id, old] of pending) if (old.expiresAt < now() - 3_600_000) pending.delete(id);
      pending.set(session, { username, expiresAt: now() + minutes * 60_000, spent: false });
      if (!CODE_CHALLENGES.has(challenge)) return answer;
      const parameters = isRecord(answer.body.ChallengeParameters) ? answer.body.ChallengeParameters : {};
      const body = { ...answer.body, ChallengeParameters: { USER_ID_FOR_SRP: username, ...parameters } };
      return { ...answer, body };
    };

  return { clientWritten, refuses, signInAnswered };
}
