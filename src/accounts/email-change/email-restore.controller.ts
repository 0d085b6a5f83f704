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
   * "This wasn't me", from the link in an email-changed notice: puts back the address the account had
   * before the first of its recent changes, sets a password nobody knows, turns two-step sign-in off,
   * ends every session, mails a password-reset link to the restored address and a notice to the one
   * left. Public. A wrong, used or expired link answers 400 with code INVALID_RESTORE_LINK; 409 when
   * another account took the address meanwhile.
   */
  @Post('email/restore')
  @Access({ who: 'anyone' })
  @RateLimit('public')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400, 409, 503)
  restoreEmail(@Body() body: RestoreEmailDto): Promise<RestoreEmailResponseDto> {
    return this.restores.restoreEmail(body.username, body.token);
  }
}
