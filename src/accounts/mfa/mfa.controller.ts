import { Body, Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { AccessToken, CurrentUser } from '../../auth/current-user.decorator';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../common/api-responses';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';
import { TotpSetupDto, VerifyTotpDto } from './dto/mfa.dto';
import { MfaService } from './mfa.service';

/** The signed-in user's two-step sign-in with an authenticator app (TOTP). */
@ApiTags('me')
@RateLimit('write')
@Controller('accounts/me/mfa/totp')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  /**
   * Start setting up an authenticator app: a new secret and its `otpauth://` URI (for a QR code).
   * Nothing changes until a code verifies it; a new set-up replaces an unverified one. Needs a recent
   * sign-in (401 with code REAUTHENTICATION_REQUIRED otherwise), as it may replace an app in use.
   */
  @Post()
  @Access({ who: 'signed-in', write: true, recentSignIn: true })
  @HttpCode(HttpStatus.OK)
  startSetup(@CurrentUser() user: Principal, @AccessToken() token: string): Promise<TotpSetupDto> {
    return this.mfa.startSetup(user.username, token);
  }

  /**
   * Verify the set-up with the code the app shows: sign-in then asks for a code after the password.
   * A wrong code, or none started, answers 400 with code INVALID_MFA_CODE and turns nothing on. A
   * notice goes to the account's address.
   */
  @Post('verify')
  @Access({ who: 'signed-in', write: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400)
  verify(
    @CurrentUser() user: Principal,
    @AccessToken() token: string,
    @Body() { code }: VerifyTotpDto,
  ): Promise<void> {
    return this.mfa.enable(user.username, token, code);
  }

  /**
   * Turn two-step sign-in off. Needs a recent sign-in (401 with code REAUTHENTICATION_REQUIRED
   * otherwise: sign in again, then retry). A notice goes to the account's address.
   */
  @Delete()
  @Access({ who: 'signed-in', write: true, recentSignIn: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  turnOff(@CurrentUser() user: Principal): Promise<void> {
    return this.mfa.disable(user.username);
  }
}
