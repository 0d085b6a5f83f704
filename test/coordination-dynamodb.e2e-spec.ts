import { freePort } from '../tools/child-process';
import { StoreUnavailableError } from '../src/common/errors';
import { openStore, type CoordinationStore } from '../src/coordination/open-store';
import { dynamoDbEngine, type EngineFixture } from './support/coordination-engines';
import { applyEnv } from './support/env';

const HOUR = 3_600_000;

/**
 * What DynamoDB adds to the contract: its TTL deletes expired items hours to days late, so an item
 * past its end, still in the table, must read as absent; and an unreachable table is an outage.
 */
describe('coordination store on DynamoDB', () => {
  let fixture: EngineFixture;
  let store: CoordinationStore;

  beforeAll(async () => {
    fixture = await dynamoDbEngine();
    store = await fixture.open();
  }, 60_000);
  afterAll(() => fixture?.stop());

  it('treats a record past its end as absent while TTL has not deleted it yet', async () => {
    await store.records.put('revoked:ana', '1700000000', 60_000);
    await fixture.elapse(HOUR);

    expect(await fixture.table?.rawItem('record:revoked:ana')).toMatchObject({ value: { S: '1700000000' } });
    expect(await store.records.get('revoked:ana')).toBeUndefined();
  });

  it('starts a new window over an ended one still in the table', async () => {
    for (let i = 0; i < 3; i++) await store.counters.increment('ip:203.0.113.7', 60_000);
    await fixture.elapse(HOUR);

    expect(await fixture.table?.rawItem('count:ip:203.0.113.7')).toMatchObject({ n: { N: '3' } });
    expect(await store.counters.peek('ip:203.0.113.7')).toEqual({ count: 0, resetInMs: 0 });
    expect(await store.counters.increment('ip:203.0.113.7', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it('lets another holder take a lock whose holder died, its item still in the table', async () => {
    const crashed = await fixture.leases?.();
    await crashed?.acquire('address:ana@example.com', 'crashed-holder', 30_000);
    await fixture.elapse(HOUR);

    expect(await fixture.table?.rawItem('lock:address:ana@example.com')).toMatchObject({
      holder: { S: 'crashed-holder' },
    });
    await expect(store.lock.run('address:ana@example.com', () => Promise.resolve('taken'))).resolves.toBe(
      'taken',
    );
  });

  it('keeps the TTL attribute in epoch seconds, never before the item ends', async () => {
    const before = fixture.now();
    await store.records.put('claim:bo', 'user-1', 90_500);

    const item = await fixture.table?.rawItem('record:claim:bo');
    expect(Number(item?.expiresAt?.N) * 1_000).toBeGreaterThanOrEqual(before + 90_500);
    expect(Number(item?.expiresAt?.N) * 1_000).toBeLessThan(before + 92_000);
  });

  it('answers 503 STORE_UNAVAILABLE when DynamoDB is out of reach, and readiness fails', async () => {
    const restore = applyEnv({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await freePort()}` });
    const unreachable = await openStore({
      store: 'dynamodb',
      table: fixture.table?.name,
      region: 'eu-west-1',
      redisUrl: undefined,
      lockLeaseMs: 30_000,
    });
    try {
      await expect(unreachable.records.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(unreachable.counters.increment('x', 1_000)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(unreachable.lock.run('x', () => Promise.resolve())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      expect(await unreachable.ping()).toBe(false);
    } finally {
      unreachable.close();
      restore();
    }
    expect(await store.ping()).toBe(true);
  });

  it('answers 503 when the table does not exist (a deployment without it), not 500', async () => {
    const missing = await openStore(
      {
        store: 'dynamodb',
        table: 'no-such-table',
        region: 'eu-west-1',
        redisUrl: undefined,
        lockLeaseMs: 30_000,
      },
      fixture.now,
    );
    try {
      await expect(missing.records.put('x', 'y', 1_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      missing.close();
    }
  });
});
