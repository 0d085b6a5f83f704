import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Logger } from '@nestjs/common';
import { EventSinkUnavailableError } from '../common/errors';
import type { AccountEvent } from './account-event';

/** The `source` of every event this service puts on the bus: what a rule's pattern matches. */
export const EVENT_SOURCE = 'cognito-accounts';

export interface EventBridgeOptions {
  region: string;
  eventBus: string;
  endpoint?: string;
}

/**
 * Puts each event on the configured bus: `detail-type` is the event type, `detail` the event as the
 * webhooks carry it. PutEvents answers 200 with failed entries, so those are checked too
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
 */
export class EventBridgeSink {
  private readonly logger = new Logger('Events');
  private readonly client: EventBridgeClient;

  constructor(private readonly options: EventBridgeOptions) {
    this.client = new EventBridgeClient({ region: options.region, endpoint: options.endpoint });
  }

  async send(event: AccountEvent): Promise<void> {
    const answer = await this.client
      .send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.options.eventBus,
              Source: EVENT_SOURCE,
              DetailType: event.type,
              Detail: JSON.stringify(event),
              Time: new Date(event.occurredAt),
            },
          ],
        }),
      )
      .catch((error: Error) => {
        this.logger.warn(`PutEvents of ${event.type} ${event.id} failed: ${error.name}`);
        throw new EventSinkUnavailableError({ cause: error });
      });
    if (answer.FailedEntryCount) {
      const code = answer.Entries?.[0]?.ErrorCode ?? 'unknown';
      this.logger.warn(`PutEvents refused ${event.type} ${event.id}: ${code}`);
      throw new EventSinkUnavailableError();
    }
  }

  close(): void {
    this.client.destroy();
  }
}
