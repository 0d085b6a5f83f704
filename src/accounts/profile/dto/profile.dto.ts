import { MfaStateDto } from '../../mfa/dto/mfa.dto';

export class ProfileDto {
  /** The account's username (a UUID). */
  username: string;
  /**
   * The address the user signs in with and receives mail at.
   * @example jane@example.com
   */
  email: string;
  /** Whether `email` is verified (password reset works only then). */
  emailVerified: boolean;
  /**
   * The account's language tag, or null.
   * @example de
   */
  locale: string | null;
  /**
   * A new address waiting for confirmation through the link mailed to it, or null.
   * @example jane.doe@example.org
   */
  pendingEmail: string | null;
  /** The account's second sign-in factors. */
  mfa: MfaStateDto;
}
