import { Module } from '@nestjs/common';
import { CognitoModule } from '../cognito/cognito.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [CognitoModule],
  controllers: [HealthController, MetricsController],
  providers: [ReadinessService],
})
export class HealthModule {}
