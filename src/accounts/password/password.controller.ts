import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Admission } from '../../admission/admission.decorator';
import { Access } from '../../auth/access.decorator';
import { ApiErrorResponses } from '../../common/api-responses';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { ForgotPasswordDto, ResetPasswordDto, ResetPasswordResponseDto } from './dto/password.dto';
import { PasswordResetService } from './password-reset.service';
import { PasswordService } from './password.service';

/** Forgotten passwords, on the service's own mails (Cognito's ForgotPassword keeps working too). */
@ApiTags('password')
@Access({ who: 'anyone' })
@RateLimit('public')
@Controller('accounts/password')
export class PasswordController {
  constructor(
    private readonly passwords: PasswordService,
    private readonly resets: PasswordResetService,
  ) {}

  /**
   * Ask for a password-reset link. An active account gets a link by mail, a not yet activated one a
   * further activation link; the answer is the same for every address, whether or not it has an
   * account.
   */
  @Post('forgot')
  @Admission()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiErrorResponses(400, 503)
  forgotPassword(@Body() body: ForgotPasswordDto): Promise<AcceptedResponseDto> {
    return this.passwords.forgotPassword(body.email);
  }

  /**
   * Choose a new password from a reset link. Every session of the account ends, and a notice goes to
   * its address. A wrong, used, replaced or expired link answers 400 with code INVALID_RESET_LINK; a
   * password the pool refuses answers 400 with code INVALID_PASSWORD and the rules in plain words,
   * and the link stays usable.
   */
  @Post('reset')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400, 503)
  resetPassword(@Body() body: ResetPasswordDto): Promise<ResetPasswordResponseDto> {
    return this.resets.resetPassword(body.username, body.token, body.password);
  }
}
