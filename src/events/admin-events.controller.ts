import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../common/api-responses';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { DeadLetterDto, DeadLetterListDto, DeadLetterParamDto } from './dto/account-event.dto';
import { EventReplays } from './event-replays';

/** Lifecycle events that no receiver took within the retry horizon, and their replay. */
@ApiTags('admin')
@Access({ who: 'admin' })
@RateLimit('admin')
@Controller('admin/events')
export class AdminEventsController {
  constructor(private readonly replays: EventReplays) {}

  /** The dead-lettered event deliveries, oldest first. */
  @Get('dead-letters')
  listDeadLetters(): Promise<DeadLetterListDto> {
    return this.replays.list();
  }

  /** Queue the delivery again (to the same sink, same event id); the letter leaves the list. */
  @Post('dead-letters/:id/replay')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiErrorResponses(400, 404)
  replayDeadLetter(
    @CurrentUser() admin: Principal,
    @Param() { id }: DeadLetterParamDto,
  ): Promise<DeadLetterDto> {
    return this.replays.replay(id, admin.username);
  }
}
