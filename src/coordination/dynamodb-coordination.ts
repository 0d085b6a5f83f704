import type * as DynamoDbSdk from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '../common/errors';
import type { CounterStore, Now, RecordStore, WindowCount } from './coordination.types';
import type { LeaseBackend } from './lease-lock';

/** Every DynamoDB action the store calls, on its one table: the IAM policy's list. */
export const DYNAMODB_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

type Item = Record<string, AttributeValue>;

/** Attribute names, all aliased: several (`until`, `value`) are DynamoDB reserved words. */
const NAMES = { '#until': 'until', '#n': 'n', '#next': 'next', '#holder': 'holder', '#value': 'value' };

/**
 * A conditional write that lost a race to another instance: tried again this many times. Only two
 * instances starting the same window (or schedule) at the same moment meet it, so once is typical.
 */
const RACE_ATTEMPTS = 5;

/** How long an idle schedule's item is kept before TTL may delete it (it is judged by `next` anyway). */
const SCHEDULE_KEEP_MS = 86_400_000;

const DOWN = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'AbortError',
  // The table or the permission to use it is missing: the store is out of reach for this service
  // until an operator fixes it, so jobs wait (and readiness says so) instead of failing for good.
  'ResourceNotFoundException',
  'AccessDeniedException',
]);
const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError']);

/** Throttling, a 5xx, no answer at all (the network), a missing table: a 503 outage, not a bug. */
export function isStoreOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (DOWN.has(error.name) || (status !== undefined && status >= 500)) return true;
  // Under Jest's VM modules, socket errors arrive wrapped with no name, status or $fault.
  return status === undefined && !('$fault' in error) && !PROGRAMMING_ERRORS.has(error.name);
}

const n = (value: number): AttributeValue => ({ N: String(value) });
const s = (value: string): AttributeValue => ({ S: value });
const num = (item: Item | undefined, name: string): number => Number(item?.[name]?.N ?? 0);
/** The TTL attribute: epoch seconds, rounded up so the item never goes before its own end. */
const ttl = (atMs: number): AttributeValue => n(Math.ceil(atMs / 1_000));

/**
 * The coordination state on one DynamoDB table (partition key `pk`, TTL attribute `expiresAt`).
 *
 * - DynamoDB's TTL "typically deletes expired items within a few days" of their expiry
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html): it only
 *   collects garbage. Every item carries its end in milliseconds (`until`, `next`) and every read and
 *   every condition judges it against the caller's clock.
 * - Every check-and-set is one conditional write (PutItem/UpdateItem/DeleteItem with a
 *   ConditionExpression, which DynamoDB evaluates atomically with the write:
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
 * - Reads are strongly consistent: a revocation written by one container counts at once on the others.
 * - Time is the caller's clock: DynamoDB's expressions have no server time. Containers' clocks are
 *   NTP-synchronized (milliseconds apart); the lock's lease leaves a margin for it.
 */
export class DynamoDbTable {
  constructor(
    /** The SDK's module, loaded by the caller only when this store is used. */
    private readonly sdk: typeof DynamoDbSdk,
    private readonly client: DynamoDBClient,
    private readonly table: string,
    readonly now: Now = Date.now,
  ) {}

  async get(pk: string): Promise<Item | undefined> {
    const command = new this.sdk.GetItemCommand({
      TableName: this.table,
      Key: { pk: s(pk) },
      ConsistentRead: true,
    });
    const { Item } = await this.guard(() => this.client.send(command));
    return Item;
  }

  /** Writes `item` if `condition` holds; false when it did not. */
  async put(item: Item, condition?: string, values?: Item): Promise<boolean> {
    const command = new this.sdk.PutItemCommand({
      TableName: this.table,
      Item: item,
      ConditionExpression: condition,
      ExpressionAttributeNames: condition ? namesIn(condition) : undefined,
      ExpressionAttributeValues: values,
    });
    return this.conditional(() => this.client.send(command));
  }

  /** Applies `update` if `condition` holds: the item's new attributes, or undefined when it did not. */
  async update(pk: string, update: string, condition: string, values: Item): Promise<Item | undefined> {
    const command = new this.sdk.UpdateItemCommand({
      TableName: this.table,
      Key: { pk: s(pk) },
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeNames: namesIn(`${update} ${condition}`),
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
    try {
      return (await this.guard(() => this.client.send(command))).Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async delete(pk: string, condition: string, values: Item): Promise<boolean> {
    const command = new this.sdk.DeleteItemCommand({
      TableName: this.table,
      Key: { pk: s(pk) },
      ConditionExpression: condition,
      ExpressionAttributeNames: namesIn(condition),
      ExpressionAttributeValues: values,
    });
    return this.conditional(() => this.client.send(command));
  }

  /** For readiness: one small read (needs no permission beyond the store's own). */
  async ping(): Promise<boolean> {
    return this.get('health').then(
      () => true,
      () => false,
    );
  }

  /** True when the write was made, false when its condition did not hold. */
  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.guard(write);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async guard<Output>(send: () => Promise<Output>): Promise<Output> {
    try {
      return await send();
    } catch (error) {
      if (isStoreOutage(error)) throw new StoreUnavailableError({ cause: error });
      throw error;
    }
  }
}

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Only the aliases an expression uses: DynamoDB refuses unused ones. */
const namesIn = (expression: string): Record<string, string> => {
  const used = new Set(expression.match(/#\w+/g));
  return Object.fromEntries(Object.entries(NAMES).filter(([alias]) => used.has(alias)));
};

/** Fixed windows and slot schedules, each an atomic conditional update. */
export class DynamoDbCounterStore implements CounterStore {
  constructor(private readonly table: DynamoDbTable) {}

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const pk = `count:${key}`;
    for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
      const now = this.table.now();
      // The current window, one more, if it has not ended (TTL may not have removed an ended one).
      const counted = await this.table.update(pk, 'ADD #n :one', '#until > :now', {
        ':one': n(1),
        ':now': n(now),
      });
      if (counted) return { count: num(counted, 'n'), resetInMs: num(counted, 'until') - now };
      // None, or it has ended: start one, unless another instance just did (then count in it).
      const until = now + windowMs;
      const item = { pk: s(pk), n: n(1), until: n(until), expiresAt: ttl(until) };
      if (await this.table.put(item, 'attribute_not_exists(pk) OR #until <= :now', { ':now': n(now) })) {
        return { count: 1, resetInMs: windowMs };
      }
    }
    throw new StoreUnavailableError();
  }

  async peek(key: string): Promise<WindowCount> {
    const item = await this.table.get(`count:${key}`);
    const now = this.table.now();
    const until = num(item, 'until');
    return until > now ? { count: num(item, 'n'), resetInMs: until - now } : { count: 0, resetInMs: 0 };
  }

  /**
   * `next` is when the schedule's next slot is free, by the callers' clocks. Busy (`next` ahead):
   * book it and move `next` one interval on, in one conditional update, so the booked slots are
   * exactly one interval apart whoever books them. Idle: take the slot now, unless another
   * instance just did (then book after it).
   */
  async reserveSlot(key: string, intervalMs: number): Promise<number> {
    const pk = `slot:${key}`;
    for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
      const now = this.table.now();
      const keep = ttl(now + SCHEDULE_KEEP_MS);
      const booked = await this.table.update(
        pk,
        'SET #next = #next + :interval, expiresAt = :keep',
        '#next > :now',
        { ':interval': n(intervalMs), ':now': n(now), ':keep': keep },
      );
      if (booked) return num(booked, 'next') - intervalMs - now;
      const idle = { pk: s(pk), next: n(now + intervalMs), expiresAt: keep };
      if (await this.table.put(idle, 'attribute_not_exists(pk) OR #next <= :now', { ':now': n(now) })) {
        return 0;
      }
    }
    throw new StoreUnavailableError();
  }
}

/** The lease lock's operations: each one conditional write on the lock's item. */
export class DynamoDbLeases implements LeaseBackend {
  constructor(private readonly table: DynamoDbTable) {}

  acquire(name: string, holder: string, leaseMs: number): Promise<boolean> {
    const now = this.table.now();
    const until = now + leaseMs;
    return this.table.put(
      { pk: s(`lock:${name}`), holder: s(holder), until: n(until), expiresAt: ttl(until) },
      'attribute_not_exists(pk) OR #until <= :now',
      { ':now': n(now) },
    );
  }

  async renew(name: string, holder: string, leaseMs: number): Promise<boolean> {
    const until = this.table.now() + leaseMs;
    const renewed = await this.table.update(
      `lock:${name}`,
      'SET #until = :until, expiresAt = :expires',
      '#holder = :holder',
      { ':until': n(until), ':expires': ttl(until), ':holder': s(holder) },
    );
    return renewed !== undefined;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.table.delete(`lock:${name}`, '#holder = :holder', { ':holder': s(holder) });
  }
}

/** Records with their own end; an ended one still in the table (TTL is late) reads as absent. */
export class DynamoDbRecordStore implements RecordStore {
  constructor(private readonly table: DynamoDbTable) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    const until = this.table.now() + ttlMs;
    await this.table.put({ pk: s(`record:${key}`), value: s(value), until: n(until), expiresAt: ttl(until) });
  }

  async get(key: string): Promise<string | undefined> {
    const item = await this.table.get(`record:${key}`);
    return num(item, 'until') > this.table.now() ? item?.value?.S : undefined;
  }
}
