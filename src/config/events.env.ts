import { IsOptional, Matches, ValidateBy, ValidateIf } from 'class-validator';
import { OptionalBool, OptionalInt } from './env.decorators';

/** One receiver of the signed webhooks, and the event types it wants (`*`: all). */
export interface WebhookEndpoint {
  url: string;
  events: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Plain HTTP reaches only this machine, and only when WEBHOOK_ALLOW_LOOPBACK_HTTP says so (local development). */
export const isLoopback = (url: URL): boolean => LOOPBACK.has(url.hostname);

/**
 * WEBHOOK_ENDPOINTS: a JSON list of `{ "url": ..., "events": [...] }`; what is wrong with it, or
 * the endpoints. Event types are checked against the catalogue by the events module, which owns it.
 */
export function parseWebhookEndpoints(
  raw: string,
  allowLoopbackHttp: boolean,
): { endpoints: WebhookEndpoint[]; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { endpoints: [], problems: ['is not JSON (a list of {"url": "https://...", "events": ["*"]})'] };
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    return { endpoints: [], problems: ['must be a non-empty JSON list of {"url", "events"}'] };
  }
  const problems: string[] = [];
  const endpoints = parsed.map((entry: unknown, index): WebhookEndpoint => {
    const { url, events = ['*'] } = (entry ?? {}) as { url?: unknown; events?: unknown };
    let target: URL | undefined;
    try {
      target = new URL(String(url));
    } catch {
      problems.push(`endpoint ${index + 1} has no valid url`);
    }
    if (target && target.protocol !== 'https:') {
      const allowed = target.protocol === 'http:' && isLoopback(target) && allowLoopbackHttp;
      // The URL itself is not repeated: its query may hold the receiver's credentials.
      if (!allowed)
        problems.push(`endpoint ${index + 1} must use https (http only for loopback in development)`);
    }
    if (!Array.isArray(events) || events.length === 0 || events.some((type) => typeof type !== 'string')) {
      problems.push(`endpoint ${index + 1}: events must be a non-empty list of event types or "*"`);
    }
    return { url: String(url), events: Array.isArray(events) ? (events as string[]) : [] };
  });
  return { endpoints, problems };
}

const WebhookEndpoints = () =>
  ValidateBy({
    name: 'webhookEndpoints',
    validator: {
      validate: (value: unknown, args) =>
        typeof value === 'string' &&
        parseWebhookEndpoints(value, (args?.object as EventVariables).WEBHOOK_ALLOW_LOOPBACK_HTTP === true)
          .problems.length === 0,
      defaultMessage: (args) =>
        `WEBHOOK_ENDPOINTS ${parseWebhookEndpoints(
          String(args?.value),
          (args?.object as EventVariables).WEBHOOK_ALLOW_LOOPBACK_HTTP === true,
        ).problems.join('; ')}`,
    },
  });

/** The lifecycle events' variables (docs/events.md): webhooks and EventBridge, both off by default. */
export class EventVariables {
  /** Receivers of the signed webhooks, e.g. `[{"url":"https://app.example.com/hooks","events":["*"]}]`. */
  @IsOptional()
  @WebhookEndpoints()
  WEBHOOK_ENDPOINTS?: string;

  /** The signing secrets (`whsec_…`): one, or the new and the old one during a rotation, comma-separated. */
  @ValidateIf(
    (env: EventVariables) => env.WEBHOOK_ENDPOINTS !== undefined || env.WEBHOOK_SECRETS !== undefined,
  )
  @Matches(/^whsec_[A-Za-z0-9+/]{32,}={0,2}(,whsec_[A-Za-z0-9+/]{32,}={0,2})?$/, {
    message: 'WEBHOOK_SECRETS must be one or two whsec_ secrets (base64, 24 bytes or more), comma-separated',
  })
  WEBHOOK_SECRETS?: string;

  /** How long a receiver has to answer, connection included. */
  @OptionalInt(100, 30_000)
  WEBHOOK_TIMEOUT_MS: number = 5_000;

  /** Lets WEBHOOK_ENDPOINTS name plain-HTTP loopback receivers (`npm start`'s demo receiver); never in production. */
  @OptionalBool()
  WEBHOOK_ALLOW_LOOPBACK_HTTP: boolean = false;

  /** The EventBridge bus every event is also put on (`PutEvents`); unset, none. */
  @IsOptional()
  @Matches(/^[\w.\-/:]{1,256}$/, { message: 'EVENT_BUS_NAME must be an event bus name or ARN' })
  EVENT_BUS_NAME?: string;

  /** EventBridge's endpoint, for emulators only. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'EVENTBRIDGE_ENDPOINT must be an http(s) URL' })
  EVENTBRIDGE_ENDPOINT?: string;
}
