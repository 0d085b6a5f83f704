import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsLocaleTag, IsNormalizedEmail, IsUsername } from '../../common/validation';
import { ADMIN_STATES, type AdminState } from '../admin-state';

/** An account as operators see it. */
export class AdminUserDto {
  /** The username (a UUID). */
  username: string;
  /**
   * The account's address, or null.
   * @example jane@example.com
   */
  email: string | null;
  /** Whether `email` is verified (password reset works only then). */
  emailVerified: boolean;
  @ApiProperty({ enum: ADMIN_STATES })
  state: AdminState;
  /** When an invited account's activation link stops working; null once activated. */
  invitationExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** An address waiting for its confirmation link, or null (shown even when its link has expired). */
  pendingEmail: string | null;
  /** When the pending change's link expires, or null. */
  pendingEmailExpiresAt: string | null;
  /**
   * Whether sign-in asks for an authenticator-app code (TOTP); null in lists, where Cognito's
   * ListUsers does not say (one account's view does).
   */
  totpMfa: boolean | null;
}

export class AdminUserPageDto {
  users: AdminUserDto[];
  /** Pass as `cursor` for the next page; null on the last. A page may hold fewer than `limit` users. */
  cursor: string | null;
}

export class ListUsersQueryDto {
  @IsOptional()
  @ApiProperty({ enum: ADMIN_STATES, required: false })
  @IsIn(ADMIN_STATES)
  state?: AdminState;

  /**
   * Accounts whose email starts with this (case-insensitive: addresses are stored lower-case).
   * @example jane@
   */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @MaxLength(120)
  @Matches(/^[\x21-\x7e]+$/, { message: '$property must be plain ASCII without spaces' })
  email?: string;

  /** The `cursor` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @Matches(/^\S+$/, { message: '$property must be the cursor of the previous page, unchanged' })
  cursor?: string;

  /** Users per page (1 to 60). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  limit?: number;
}

export class UsernameParamDto {
  @IsUsername()
  username: string;
}

export class InviteDto {
  /** The address to invite; it gets the activation mail. */
  @IsNormalizedEmail()
  email: string;

  /** The language of the mail; English when not given or not available. */
  @IsOptional()
  @IsLocaleTag()
  locale?: string;
}

export class InvitationDto {
  username: string;
  @ApiProperty({ enum: ['invited'] })
  state: 'invited';
  /** When the activation link stops working. */
  expiresAt: string;
}
