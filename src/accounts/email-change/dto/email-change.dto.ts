import { IsLinkToken, IsNormalizedEmail, IsUsername } from '../../../common/validation';

export class UpdateEmailDto {
  /**
   * The new address; trimmed and lower-cased. A confirmation link goes to it; the current address
   * stays in use until the link is followed.
   * @example jane.doe@example.org
   */
  @IsNormalizedEmail()
  email: string;
}

export class ConfirmEmailDto {
  /** The `username` from the confirmation link. */
  @IsUsername()
  username: string;

  /** The `token` from the confirmation link. */
  @IsLinkToken()
  token: string;
}

export class ConfirmEmailResponseDto {
  /**
   * The account's email address from now on, verified.
   * @example jane.doe@example.org
   */
  email: string;
}
