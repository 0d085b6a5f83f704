import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { HealthResponseDto } from './health.dto';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  /** Liveness: answers 200 while the process serves HTTP. It does not call Cognito or the mail server. */
  @Get()
  health(): HealthResponseDto {
    return { status: 'ok' };
  }
}
