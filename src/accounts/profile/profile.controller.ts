import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { CurrentUser } from '../../auth/current-user.decorator';
import { ApiErrorResponses } from '../../common/api-responses';
import type { Principal } from '../../auth/principal';
import { ProfileDto } from './dto/profile.dto';
import { ProfileService } from './profile.service';

/** The signed-in user's own account (frontend-client access token required). */
@ApiTags('me')
@Access({ who: 'signed-in' })
@Controller('accounts/me')
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  /** The signed-in user's account: email, whether it is verified, locale, and a pending new email. */
  @Get()
  @ApiErrorResponses(503)
  getProfile(@CurrentUser() user: Principal): Promise<ProfileDto> {
    return this.profiles.getProfile(user.username);
  }
}
