import { Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { CurrentUser } from '../../auth/current-user.decorator';
import type { Principal } from '../../auth/principal';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';
import { SessionsService } from './sessions.service';

/** Ending the signed-in user's sessions, or the account itself. */
@ApiTags('me')
@RateLimit('write')
@Controller('accounts/me')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /**
   * Sign out everywhere: every refresh token stops working, and every access token issued until now
   * is refused by this service at once (not only at its expiry). A notice goes to the account's
   * address. The token used for this call is refused afterwards too: sign in again.
   */
  @Post('sessions/revoke')
  @Access({ who: 'signed-in', write: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  revokeSessions(@CurrentUser() user: Principal): Promise<void> {
    return this.sessions.revokeAll(user.username, user.sub);
  }

  /**
   * Delete the account for good, with every session. Needs a recent sign-in (401 with code
   * REAUTHENTICATION_REQUIRED otherwise: sign in again, then retry). A notice goes to the address.
   */
  @Delete()
  @Access({ who: 'signed-in', write: true, recentSignIn: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  deleteAccount(@CurrentUser() user: Principal): Promise<void> {
    return this.sessions.deleteAccount(user.username, user.sub);
  }
}
