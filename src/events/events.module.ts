import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { Clock } from '../common/clock';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AccountEvents } from './account-events';
import { AdminEventsController } from './admin-events.controller';
import { DeadLetters } from './dead-letters';
import { EventDelivery } from './event-delivery';
import { EventReplays } from './event-replays';
import { EventSinks } from './event-sinks';

/**
 * Lifecycle events for the app's own systems (docs/events.md): flows publish on AccountEvents,
 * delivery jobs take them to the signed webhooks and EventBridge, admins replay the dead letters.
 */
@Module({
  imports: [AuthModule, RateLimitModule],
  controllers: [AdminEventsController],
  providers: [AccountEvents, EventSinks, EventDelivery, DeadLetters, EventReplays, Clock],
  exports: [AccountEvents],
})
export class EventsModule {}
