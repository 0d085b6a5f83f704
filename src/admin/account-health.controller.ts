import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../common/api-responses';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { AccountHealthService } from './account-health.service';
import { AccountReportDto, RepairKindParamDto, RepairResultDto } from './dto/account-report.dto';

/** Broken account states found by scanning every account, and the repairs that are safe to run. */
@ApiTags('admin')
@Access({ who: 'admin' })
@RateLimit('admin')
@Controller('admin')
export class AccountHealthController {
  constructor(private readonly health: AccountHealthService) {}

  /** Expired invitations, active accounts without a verified email, shared addresses, expired email changes. */
  @Get('reports/accounts')
  accountReport(): Promise<AccountReportDto> {
    return this.health.report();
  }

  /**
   * Run one safe repair: `expired-invitations` removes them (as the scheduled run does), `duplicate-emails` removes
   * not-activated extras, `expired-email-changes` clears them. Reports what it changed.
   */
  @Post('repairs/:kind')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400)
  repair(@CurrentUser() admin: Principal, @Param() { kind }: RepairKindParamDto): Promise<RepairResultDto> {
    return this.health.repair(admin, kind);
  }
}
