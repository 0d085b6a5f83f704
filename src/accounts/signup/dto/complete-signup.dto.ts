import { IsLinkToken, IsNewPassword, IsUsername } from '../../../common/validation';

export class CompleteSignupDto {
  /**
   * The `username` from the activation link.
   * @example 0b3f6a0e-5d0e-4c1e-9a43-3f8f5f7f2c11
   */
  @IsUsername()
  username: string;

  /** The `token` from the activation link. */
  @IsLinkToken()
  token: string;

  /** The password the user chose; the user pool's password policy applies. */
  @IsNewPassword()
  password: string;
}

export class CompleteSignupResponseDto {
  /** The account's username (a UUID); the frontend signs in with it or with the email. */
  username: string;
  /**
   * The account's email address, now verified.
   * @example jane@example.com
   */
  email: string;
}
