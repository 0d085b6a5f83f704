import type { OpenAPIObject } from '@nestjs/swagger';
import { EVENT_TYPES, EVENT_VERSION, type AccountEventType } from './account-event';
import { AccountEventDto } from './dto/account-event.dto';

/** Extra models for SwaggerModule.createDocument: the event body is no route's, so named here. */
export const EVENT_MODELS = [AccountEventDto];

const SUMMARIES: Record<AccountEventType, string> = {
  'account.invited': 'An account was created by signup or an admin; its activation link is on its way',
  'account.activated': 'The invited account chose its password: its address is verified, it can sign in',
  'account.email_changed': 'The user confirmed a new address (change: the old and the new one)',
  'account.email_restored': "The old address is back through the notice's restore link; sessions ended",
  'account.password_reset': 'The password was reset through the emailed link; sessions ended',
  'account.sessions_revoked': 'Every session was ended (by the user or an admin)',
  'account.mfa_enabled': 'The user turned on two-step sign-in with an authenticator app (TOTP)',
  'account.mfa_disabled': 'Two-step sign-in was turned off (by the user, or reset by an admin)',
  'account.disabled': 'An admin disabled the account; its sessions ended',
  'account.enabled': 'An admin enabled the account again',
  'account.deleted': 'The Cognito user is gone (by the user or an admin)',
};

/**
 * The event catalogue as OpenAPI 3.1 `webhooks`: one entry per type, each a POST of AccountEvent
 * signed as Standard Webhooks says. @nestjs/swagger builds no webhooks, so they are added here.
 */
export function addEventWebhooks(document: OpenAPIObject): OpenAPIObject {
  const signature = (name: string, description: string) => ({
    name,
    in: 'header' as const,
    required: true,
    description,
    schema: { type: 'string' as const },
  });
  const webhooks = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: type,
          summary: SUMMARIES[type],
          description: `Event type \`${type}\`, catalogue version ${EVENT_VERSION}. See docs/events.md.`,
          tags: ['events'],
          parameters: [
            signature('webhook-id', 'The event id: the same on every delivery of this event'),
            signature('webhook-timestamp', 'Seconds since the epoch when this delivery was signed'),
            signature('webhook-signature', 'Space-separated `v1,<base64>` signatures, one per live secret'),
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/AccountEventDto' } } },
          },
          responses: {
            '200': { description: 'Any 2xx: received. Anything else (or no answer in time) is retried' },
          },
        },
      },
    ]),
  );
  return { ...document, webhooks };
}
