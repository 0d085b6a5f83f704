import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../common/api-responses';
import { AccountHealthService } from './account-health.service';
import { AdminOnly } from './admin-only.decorator';
import { AccountReportDto, RepairKindParamDto, RepairResultDto } from './dto/account-report.dto';

/** Broken account states found by scanning every account, and the repairs that are safe to run. */
@AdminOnly()
@Controller('admin')
export class AccountHealthController {
  constructor(private readonly health: AccountHealthService) {}

  /** Expired invitations, active accounts without a verified email, shared addresses, expired email changes. */
  @Get('reports/accounts')
  accountReport(): Promise<AccountReportDto> {
    return this.health.report();
  }

  /**
   * Run one safe repair: `expired-invitations` sends new links, `duplicate-emails` removes
   * not-activated extras, `expired-email-changes` clears them. Reports what it changed.
   */
  @Post('repairs/:kind')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400)
  repair(@CurrentUser() admin: Principal, @Param() { kind }: RepairKindParamDto): Promise<RepairResultDto> {
    return this.health.repair(admin, kind);
  }
}
