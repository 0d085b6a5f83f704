import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CognitoService } from '../cognito/cognito.service';
import { ProfileDto } from './dto/profile.dto';
import { pendingEmailChange } from './pending-email';

@Injectable()
export class ProfileService {
  constructor(
    private readonly cognito: CognitoService,
    private readonly clock: Clock,
  ) {}

  /** The signed-in user's account: one AdminGetUser, or none when read moments ago. The stored secret never leaves here. */
  async getProfile(username: string): Promise<ProfileDto> {
    const { attributes } = await this.cognito.getRecentUser(username);
    return {
      username,
      email: attributes.email ?? '',
      emailVerified: attributes.email_verified === 'true',
      locale: attributes.locale || null,
      pendingEmail: pendingEmailChange(attributes, this.clock.now())?.email ?? null,
    };
  }
}
