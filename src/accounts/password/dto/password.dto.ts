import { IsLinkToken, IsNewPassword, IsNormalizedEmail, IsUsername } from '../../../common/validation';

export class ForgotPasswordDto {
  /**
   * The address the account uses; trimmed and lower-cased.
   * @example jane@example.com
   */
  @IsNormalizedEmail()
  email: string;
}

export class ResetPasswordDto {
  /** The `username` from the reset link. */
  @IsUsername()
  username: string;

  /** The `token` from the reset link. */
  @IsLinkToken()
  token: string;

  /** The new password; the user pool's password policy applies. */
  @IsNewPassword()
  password: string;
}

export class ResetPasswordResponseDto {
  /** The account's username (a UUID); sign in with it or with the email address. */
  username: string;
}
