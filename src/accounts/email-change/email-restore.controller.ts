import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { ApiErrorResponses } from '../../common/api-responses';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';
import { RestoreEmailDto, RestoreEmailResponseDto } from './dto/email-restore.dto';
import { EmailRestoreService } from './email-restore.service';

@ApiTags('email-change')
@Controller('accounts')
export class EmailRestoreController {
  constructor(private readonly restores: EmailRestoreService) {}

  /**
   * "This wasn't me", from the link in the email-changed notice sent to the old address: puts that
   * address back, ends every session and mails a password-reset link to it. Public. A wrong, used or
   * expired link answers 400 with code INVALID_RESTORE_LINK; 409 when another account took the old
   * address meanwhile.
   */
  @Post('email/restore')
  @Access({ who: 'anyone' })
  @RateLimit('public')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400, 409, 413, 503)
  restoreEmail(@Body() body: RestoreEmailDto): Promise<RestoreEmailResponseDto> {
    return this.restores.restoreEmail(body.username, body.token);
  }
}
