import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as sdk from '@aws-sdk/client-dynamodb';
import { AsyncResource } from 'node:async_hooks';
import { DomainError, UserNotFoundError } from '../src/common/errors';
import { CognitoClient } from '../src/cognito/cognito-client';
import { DynamoDbLeases, DynamoDbTable } from '../src/coordination/dynamodb-coordination';
import { LeaseLock } from '../src/coordination/lease-lock';
import { MemoryCounterStore } from '../src/coordination/memory-coordination';
import { RetryPolicy } from '../src/jobs/retry-policy';
import { startMoto, type MotoServer } from '../tools/moto';
import { createPool, type TestPool } from './support/cognito-pool';
import { createCoordinationTable, type CoordinationTable } from './support/dynamodb';
import { applyEnv } from './support/env';

const LEASE_MS = 30_000;

/**
 * Fencing, end to end: a locked section whose lease ran out and was taken by another container
 * (a stalled process, Cognito retries and quota waits past LOCK_LEASE_MS) still reads, but makes no
 * write to Cognito; its error is an outage, so the job it runs in is retried.
 */
describe('a lock holder that lost its lease', () => {
  let moto: MotoServer;
  let pool: TestPool;
  let table: CoordinationTable;
  let cognito: CognitoClient;
  let restoreEnv: () => void;
  let at = Date.now();
  const now = () => at;
  const lockOfAContainer = () =>
    new LeaseLock(new DynamoDbLeases(new DynamoDbTable(sdk, table.client, table.name, now)), {
      leaseMs: LEASE_MS,
      waitMs: 1_000,
      pollMs: 20,
      // Renewal is what a stalled holder fails to do: here it never runs on its own.
      renewEveryMs: 3_600_000,
      now,
    });
  const elsewhere = AsyncResource.bind(<T>(work: () => Promise<T>): Promise<T> => work());
  const exists = (username: string) =>
    cognito
      .call((c) => c.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: username })))
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof UserNotFoundError) return false;
          throw error;
        },
      );
  const create = (username: string) =>
    cognito.call((c) =>
      c.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.userPoolId,
          Username: username,
          MessageAction: 'SUPPRESS',
        }),
      ),
    );

  beforeAll(async () => {
    moto = await startMoto();
    restoreEnv = applyEnv({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    pool = await createPool(moto.endpoint);
    table = await createCoordinationTable(moto.endpoint);
    cognito = new CognitoClient(
      {
        region: pool.region,
        userPoolId: pool.userPoolId,
        backendClientId: pool.backendClientId,
        frontendClientId: pool.frontendClientId,
        endpoint: moto.endpoint,
        jwksUrl: undefined,
        timeoutMs: 5_000,
        maxAttempts: 1,
        quotas: undefined,
        quotaMargin: 0.2,
      },
      new MemoryCounterStore(),
    );
  }, 60_000);
  afterAll(async () => {
    cognito?.onModuleDestroy();
    table?.client.destroy();
    restoreEnv?.();
    await moto?.stop();
  });

  it('writes while it holds the lease, then reads but does not write once another holder has it', async () => {
    const [stalled, other] = [lockOfAContainer(), lockOfAContainer()];
    const run = stalled.run('address:ana@example.com', async () => {
      await create('in-time');
      at += LEASE_MS + 1_000;
      await elsewhere(() => other.run('address:ana@example.com', () => create('new-holder')));
      expect(await exists('in-time')).toBe(true);
      await create('too-late');
    });

    const error: unknown = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(RetryPolicy.isTransient(error)).toBe(true);
    expect(await exists('in-time')).toBe(true);
    expect(await exists('new-holder')).toBe(true);
    expect(await exists('too-late')).toBe(false);
  });

  it('stops an update too, and only inside the section: the same call outside it goes through', async () => {
    await create('bo');
    const stalled = lockOfAContainer();
    const update = () =>
      cognito.call((c) =>
        c.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: pool.userPoolId,
            Username: 'bo',
            UserAttributes: [{ Name: 'name', Value: 'Bo' }],
          }),
        ),
      );
    const run = stalled.run('account:bo', async () => {
      at += LEASE_MS;
      await update();
    });
    await expect(run).rejects.toBeInstanceOf(DomainError);
    await expect(update()).resolves.toBeDefined();
  });
});
