import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { ACCOUNT_STATUSES, EVENT_TYPES, type AccountEventType, type AccountStatus } from '../account-event';

/** The account after the event. */
export class AccountSnapshotDto {
  /**
   * The account's address after the event, or null.
   * @example jane@example.com
   */
  email: string | null;
  emailVerified: boolean;
  @ApiProperty({ enum: ACCOUNT_STATUSES })
  status: AccountStatus;
}

/** An address change: `account.email_changed` and `account.email_restored` only. */
export class EmailChangeDto {
  /** @example jane@example.com */
  previousEmail: string;
  /** @example jane@new.example.com */
  email: string;
}

export class AccountEventDataDto {
  /** The Cognito username (a UUID). */
  username: string;
  /** The Cognito `sub`: the key of the app's own users table. */
  sub: string;
  account: AccountSnapshotDto;
  change?: EmailChangeDto;
}

/**
 * A lifecycle event, the body of every webhook (signed as Standard Webhooks says) and the `detail`
 * of every EventBridge event. Keep the newest `occurredAt` per `sub`; deduplicate on `id`.
 */
export class AccountEventDto {
  /** Unique per event, the same on every delivery of it (also the `webhook-id` header). */
  id: string;
  @ApiProperty({ enum: EVENT_TYPES })
  type: AccountEventType;
  /** The catalogue's version (1). */
  version: number;
  /** When Cognito accepted the change (ISO 8601). */
  occurredAt: string;
  data: AccountEventDataDto;
}

/** An event one sink never took, waiting for a replay. */
export class DeadLetterDto {
  id: string;
  /** `webhook-1`, `webhook-2`, … (WEBHOOK_ENDPOINTS' order) or `eventbridge`. */
  sink: string;
  event: AccountEventDto;
  attempts: number;
  /** The last failure's error name and code. */
  reason: string;
  deadLetteredAt: string;
}

export class DeadLetterListDto {
  /** Oldest first. */
  deadLetters: DeadLetterDto[];
}

export class DeadLetterParamDto {
  /** @example 3f1c9a4e-0b7d-4c55-9e7a-2b1f6d8c9e10 */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  id: string;
}
