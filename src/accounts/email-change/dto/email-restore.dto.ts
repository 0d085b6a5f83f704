import { IsLinkToken, IsUsername } from '../../../common/validation';

export class RestoreEmailDto {
  /** The `username` from the "this wasn't me" link. */
  @IsUsername()
  username: string;

  /** The `token` from the "this wasn't me" link. */
  @IsLinkToken()
  token: string;
}

export class RestoreEmailResponseDto {
  /**
   * The account's email address again, verified; a password-reset link is on its way to it.
   * @example jane@example.com
   */
  email: string;
}
