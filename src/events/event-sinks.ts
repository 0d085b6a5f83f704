import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { eventsConfig } from '../config/configuration';
import { EVENT_TYPES, wants, type AccountEvent, type AccountEventType } from './account-event';
import { EventBridgeSink } from './eventbridge-sink';
import { WebhookSender } from './webhook-sender';

/** The EventBridge sink's name; webhook receivers are `webhook-1`, `webhook-2`, … in WEBHOOK_ENDPOINTS' order. */
export const EVENTBRIDGE = 'eventbridge';

/** An endpoint's filter naming no type of the catalogue would silently receive nothing: refused at boot. */
function checkFilters(filters: string[][]): void {
  const known = new Set<string>([...EVENT_TYPES, '*']);
  const problems = filters.flatMap((filter, index) =>
    filter
      .filter((type) => !known.has(type))
      .map((type) => `WEBHOOK_ENDPOINTS endpoint ${index + 1}: unknown event type ${type}`),
  );
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
  }
}

/** Where events go: each configured webhook receiver, and EventBridge when EVENT_BUS_NAME is set. */
@Injectable()
export class EventSinks implements OnApplicationShutdown {
  private readonly webhooks: WebhookSender;
  private readonly eventBridge?: EventBridgeSink;

  constructor(@Inject(eventsConfig.KEY) private readonly config: ConfigType<typeof eventsConfig>) {
    checkFilters(config.webhooks.map((endpoint) => endpoint.events));
    this.webhooks = new WebhookSender(config);
    if (config.eventBus) {
      this.eventBridge = new EventBridgeSink({
        region: config.region,
        eventBus: config.eventBus,
        endpoint: config.eventBridgeEndpoint,
      });
    }
  }

  /** The sinks that take events of this type: one delivery job each, so one failing delays no other. */
  for(type: AccountEventType): string[] {
    const webhooks = this.config.webhooks
      .map((endpoint, index) => ({ name: `webhook-${index + 1}`, endpoint }))
      .filter(({ endpoint }) => wants(endpoint.events, type))
      .map(({ name }) => name);
    return this.eventBridge ? [...webhooks, EVENTBRIDGE] : webhooks;
  }

  send(sink: string, event: AccountEvent): Promise<void> {
    if (sink === EVENTBRIDGE && this.eventBridge) return this.eventBridge.send(event);
    const endpoint = /^webhook-(\d+)$/.exec(sink) && this.config.webhooks[Number(sink.slice(8)) - 1];
    // A sink removed from the configuration since the job was queued: nothing left to deliver to.
    if (!endpoint) return Promise.reject(new Error(`No event sink ${sink} in this configuration`));
    return this.webhooks.send(endpoint, event);
  }

  onApplicationShutdown(): void {
    this.eventBridge?.close();
  }
}
