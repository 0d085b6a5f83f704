import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../common/api-responses';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { AdminActionsService } from './admin-actions.service';
import { AdminUsersService } from './admin-users.service';
import {
  AdminUserDto,
  AdminUserPageDto,
  InvitationDto,
  InviteDto,
  ListUsersQueryDto,
  UsernameParamDto,
} from './dto/admin-user.dto';

/** Operators' account management: invite, list and search, and act on one account. */
@ApiTags('admin')
@Access({ who: 'admin' })
@RateLimit('admin')
@Controller('admin')
export class AdminUsersController {
  constructor(
    private readonly users: AdminUsersService,
    private readonly actions: AdminActionsService,
  ) {}

  /** Invite an address: creates the account and sends the activation mail. 409 when an account has the address. */
  @Post('invitations')
  @HttpCode(HttpStatus.CREATED)
  @ApiErrorResponses(400, 409)
  invite(@CurrentUser() admin: Principal, @Body() body: InviteDto): Promise<InvitationDto> {
    return this.users.invite(admin, body.email, body.locale);
  }

  /** A page of accounts, by state and email prefix; follow `cursor` until it is null. */
  @Get('users')
  @ApiErrorResponses(400)
  listUsers(@Query() query: ListUsersQueryDto): Promise<AdminUserPageDto> {
    return this.users.list(query);
  }

  /** One account. */
  @Get('users/:username')
  @ApiErrorResponses(400, 404)
  getUser(@Param() { username }: UsernameParamDto): Promise<AdminUserDto> {
    return this.users.get(username);
  }

  /** Send a new activation link; every older link stops working. 409 when the account is not invited. */
  @Post('users/:username/invitation')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400, 404, 409)
  renewInvitation(
    @CurrentUser() admin: Principal,
    @Param() { username }: UsernameParamDto,
  ): Promise<InvitationDto> {
    return this.users.renewInvitation(admin, username);
  }

  /**
   * Disable the account: it cannot sign in, every session ends, its tokens are refused at once. 409
   * OWN_ACCOUNT for the caller's own account, LAST_ADMIN for the last enabled admin.
   */
  @Post('users/:username/disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404, 409)
  disableUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.actions.disable(admin, username);
  }

  /** Enable a disabled account again (its user signs in anew). */
  @Post('users/:username/enable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404)
  enableUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.actions.enable(admin, username);
  }

  /**
   * Reset two-step sign-in for a user who lost the authenticator app: sign-in asks for the password
   * only until the user sets up an app again. A notice goes to the account's address. 409
   * OWN_ACCOUNT for the caller's own account (DELETE /accounts/me/mfa/totp does it).
   */
  @Post('users/:username/mfa/reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404, 409)
  resetMfa(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.actions.resetMfa(admin, username);
  }

  /**
   * End every session (refresh tokens stop, access tokens refused at once); a notice goes to its
   * address. 409 OWN_ACCOUNT for the caller's own account (POST /accounts/me/sessions/revoke does it).
   */
  @Post('users/:username/sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404, 409)
  signOutUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.actions.signOut(admin, username);
  }

  /**
   * Delete the account for good, with every session; a notice goes to its address, as for
   * self-delete. 409 OWN_ACCOUNT for the caller's own account (DELETE /accounts/me does it),
   * LAST_ADMIN for the last enabled admin.
   */
  @Delete('users/:username')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404, 409)
  deleteUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.actions.delete(admin, username);
  }
}
