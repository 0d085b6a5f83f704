import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-responses';
import { Public } from '../auth/public.decorator';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { ConfirmEmailDto, ConfirmEmailResponseDto } from './dto/email-change.dto';
import { EmailChangeService } from './email-change.service';

@ApiTags('me')
@Public()
@RateLimit('public')
@Controller('accounts/email')
export class EmailConfirmationController {
  constructor(private readonly emailChanges: EmailChangeService) {}

  /**
   * Confirm a new email address from the link mailed to it. Public: the link may be opened where the
   * user is not signed in. A wrong, expired, cancelled or used link answers 400 with code
   * INVALID_CONFIRMATION_LINK; 409 when another account took the address meanwhile.
   */
  @Post('confirm')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400, 409, 413, 503)
  confirmEmail(@Body() body: ConfirmEmailDto): Promise<ConfirmEmailResponseDto> {
    return this.emailChanges.confirmChange(body.username, body.token);
  }
}
