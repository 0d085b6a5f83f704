import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-responses';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { Principal } from '../auth/principal';
import { UpdateEmailDto } from './dto/email-change.dto';
import { ProfileDto } from './dto/profile.dto';
import { AcceptedResponseDto } from './dto/signup.dto';
import { EmailChangeService } from './email-change.service';
import { ProfileService } from './profile.service';
import { RateLimit } from '../rate-limit/rate-limit.decorator';

const CONFIRMATION_SENT: AcceptedResponseDto = {
  message: 'A confirmation link is on its way to the new address.',
};

/** The signed-in user's own account (frontend-client access token required). */
@ApiTags('me')
@Authenticated()
@Controller('accounts/me')
export class MeController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly emailChanges: EmailChangeService,
  ) {}

  /** The signed-in user's account: email, whether it is verified, locale, and a pending new email. */
  @Get()
  getMe(@CurrentUser() user: Principal): Promise<ProfileDto> {
    return this.profiles.getProfile(user.username);
  }

  /**
   * Start changing the email address: a confirmation link goes to the new address, and the current
   * one keeps working for sign-in and password reset until the link is followed. A new request
   * replaces an earlier one (whose link stops working). 409 when an account already uses the address.
   */
  @Post('email')
  @RateLimit('write')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiErrorResponses(400, 409, 413, 503)
  async updateEmail(
    @CurrentUser() user: Principal,
    @Body() body: UpdateEmailDto,
  ): Promise<AcceptedResponseDto> {
    await this.emailChanges.requestChange(user.username, body.email);
    return CONFIRMATION_SENT;
  }

  /** Cancel a pending email change; its link stops working. Succeeds when nothing is pending too. */
  @Delete('email')
  @RateLimit('write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(503)
  async cancelEmailChange(@CurrentUser() user: Principal): Promise<void> {
    await this.emailChanges.cancelChange(user.username);
  }
}
