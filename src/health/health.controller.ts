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
   * Readiness: 200 when Cognito answers, the shared store answers (Redis or DynamoDB) and the job
   * queue answers; else 503 with the same body, naming the failing checks. A backlog is reported in
   * `backlog`, never a 503 (every instance shares it). Answers are reused for 3 seconds.
   */
  @Get('ready')
  @ApiResponse({ status: 503, type: ReadinessResponseDto, description: 'A check failed' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessResponseDto> {
    const { ready, checks, backlog } = await this.readiness.check();
    if (!ready) void reply.code(503);
    return { status: ready ? 'ready' : 'not ready', checks, ...(backlog && { backlog }) };
  }
}
