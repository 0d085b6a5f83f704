import { Body, Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { CurrentUser } from '../../auth/current-user.decorator';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../common/api-responses';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { ConfirmEmailDto, ConfirmEmailResponseDto, UpdateEmailDto } from './dto/email-change.dto';
import { EmailChangeService } from './email-change.service';
import { EmailConfirmationService } from './email-confirmation.service';

/** Changing the signed-in user's email address: request, confirm from the mailed link, cancel. */
@ApiTags('email-change')
@Controller('accounts')
export class EmailChangeController {
  constructor(
    private readonly emailChanges: EmailChangeService,
    private readonly confirmations: EmailConfirmationService,
  ) {}

  /**
   * Start changing the email address: a confirmation link goes to the new address, and the current
   * one keeps working for sign-in and password reset until the link is followed. A new request
   * replaces an earlier one (whose link stops working). An address another account uses gets the
   * same 202 (its owner is told instead, and no link is sent): the answer does not show whether an
   * address has an account. 429 with Retry-After when signed-in users have asked for the hour's mails
   * to that mailbox already.
   */
  @Post('me/email')
  @Access({ who: 'signed-in', write: true, recentSignIn: true })
  @RateLimit('write')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiErrorResponses(400)
  requestEmailChange(
    @CurrentUser() user: Principal,
    @Body() body: UpdateEmailDto,
  ): Promise<AcceptedResponseDto> {
    return this.emailChanges.requestEmailChange(user.username, body.email);
  }

  /**
   * Confirm a new email address from the link mailed to it. Public: the link may be opened where the
   * user is not signed in. A wrong, expired, cancelled or used link answers 400 with code
   * INVALID_CONFIRMATION_LINK; 409 when another account took the address meanwhile.
   */
  @Post('email/confirm')
  @Access({ who: 'anyone' })
  @RateLimit('public')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400, 409, 503)
  confirmEmailChange(@Body() body: ConfirmEmailDto): Promise<ConfirmEmailResponseDto> {
    return this.confirmations.confirmEmailChange(body.username, body.token);
  }

  /** Cancel a pending email change; its link stops working. Succeeds when nothing is pending too. */
  @Delete('me/email')
  @Access({ who: 'signed-in', write: true })
  @RateLimit('write')
  @HttpCode(HttpStatus.NO_CONTENT)
  cancelEmailChange(@CurrentUser() user: Principal): Promise<void> {
    return this.emailChanges.cancelEmailChange(user.username);
  }
}
