import { IsOptional } from 'class-validator';
import { IsLocaleTag, IsNormalizedEmail } from '../../../common/validation';

export class SignupDto {
  /**
   * The address to create the account for; trimmed and lower-cased.
   * @example jane@example.com
   */
  @IsNormalizedEmail()
  email: string;

  /**
   * Language for the emails (and the account's `locale` attribute); English when absent or unknown.
   * @example de
   */
  @IsOptional()
  @IsLocaleTag()
  locale?: string;
}

export class ResendActivationDto {
  /**
   * The address the account was signed up with.
   * @example jane@example.com
   */
  @IsNormalizedEmail()
  email: string;
}
