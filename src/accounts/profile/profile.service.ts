import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { UnauthenticatedError } from '../../common/errors';
import { CognitoGateway } from '../../cognito/cognito-gateway';
import { pendingEmailChange } from '../email-change/pending-email-change';
import { ProfileDto } from './dto/profile.dto';

@Injectable()
export class ProfileService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly clock: Clock,
  ) {}

  /** The signed-in user's account: one AdminGetUser, or none when read moments ago. The stored secret never leaves here. */
  async getProfile(username: string): Promise<ProfileDto> {
    const account = await this.cognito.getRecentAccount(username);
    // The read is here anyway: a disabled account's token reads nothing more (within RECENT_READ_MS).
    if (account.state === 'disabled') throw new UnauthenticatedError('This account is disabled');
    return {
      username,
      email: account.email ?? '',
      emailVerified: account.emailVerified,
      locale: account.locale || null,
      pendingEmail: pendingEmailChange(account, this.clock.now())?.email ?? null,
      mfa: { totp: account.totpMfa ?? false },
    };
  }
}
