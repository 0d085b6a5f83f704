import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../common/api-responses';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
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
  constructor(private readonly users: AdminUsersService) {}

  /** Invite an address: creates the account and sends the activation mail. 409 when an account has the address. */
  @Post('invitations')
  @HttpCode(HttpStatus.CREATED)
  @ApiErrorResponses(400, 409, 413)
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

  /** Disable the account: it cannot sign in, every session ends, its tokens are refused at once. */
  @Post('users/:username/disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404)
  disableUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.users.disable(admin, username);
  }

  /** Enable a disabled account again (its user signs in anew). */
  @Post('users/:username/enable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404)
  enableUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.users.enable(admin, username);
  }

  /** End every session of the account: refresh tokens stop working, access tokens are refused at once. */
  @Post('users/:username/sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404)
  signOutUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.users.signOut(admin, username);
  }

  /** Delete the account for good. */
  @Delete('users/:username')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400, 404)
  deleteUser(@CurrentUser() admin: Principal, @Param() { username }: UsernameParamDto): Promise<void> {
    return this.users.delete(admin, username);
  }
}
