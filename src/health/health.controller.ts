import { Controller, Get, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator';
import { HealthResponseDto, ReadinessResponseDto } from './health.dto';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Access({ who: 'anyone' })
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: answers 200 while the process serves HTTP. It does not call Cognito or the mail server. */
  @Get()
  health(): HealthResponseDto {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when Cognito answers, Redis answers (with REDIS_URL) and the job queue is under
   * READY_MAX_QUEUE_BACKLOG; else 503 with the same body, naming the failing checks. Answers are
   * reused for 3 seconds.
   */
  @Get('ready')
  @ApiResponse({ status: 503, type: ReadinessResponseDto, description: 'A check failed' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessResponseDto> {
    const { ready, checks } = await this.readiness.check();
    if (!ready) void reply.code(503);
    return { status: ready ? 'ready' : 'not ready', checks };
  }
}
