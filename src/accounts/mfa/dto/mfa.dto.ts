import { IsString, Matches } from 'class-validator';

export class TotpSetupDto {
  /**
   * The shared secret (base32), for typing into an authenticator app by hand.
   * @example JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
   */
  secret: string;
  /**
   * The same secret as an `otpauth://totp/…` URI, with the issuer and the account's address: what
   * a QR code for the authenticator app holds.
   * @example otpauth://totp/Cognito%20Accounts:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Cognito%20Accounts
   */
  otpauthUri: string;
}

export class VerifyTotpDto {
  /**
   * The six-digit code the authenticator app shows now.
   * @example 123456
   */
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code: string;
}

export class MfaStateDto {
  /** Whether sign-in asks for an authenticator-app code (TOTP) after the password. */
  totp: boolean;
}
