import { Module } from '@nestjs/common';
import { CognitoModule } from '../cognito/cognito.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [CognitoModule],
  controllers: [HealthController],
  providers: [ReadinessService],
})
export class HealthModule {}
