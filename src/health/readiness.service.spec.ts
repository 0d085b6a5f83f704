import type { ConfigType } from '@nestjs/config';
import { IdentityProviderUnavailableError } from '../common/errors';
import type { CognitoGateway } from '../cognito/cognito-gateway';
import type { operationsConfig } from '../config/configuration';
import type { CoordinationHealth } from '../coordination/coordination-health';
import type { JobQueue } from '../jobs/job-queue';
import { READINESS_TTL_MS, ReadinessService } from './readiness.service';

function setUp({ redis, waiting }: { redis?: boolean; waiting?: number } = {}) {
  const probe = { probe: jest.fn(() => Promise.resolve()) };
  const coordination = {
    engine: redis === undefined ? 'memory' : 'redis',
    shared: redis !== undefined,
    isReachable: jest.fn(() => Promise.resolve(redis ?? true)),
  };
  const queue =
    waiting === undefined ? undefined : { depth: () => Promise.resolve({ waiting, oldestAgeMs: 0 }) };
  const config = { readyMaxQueueBacklog: 10 } as ConfigType<typeof operationsConfig>;
  const service = new ReadinessService(
    probe as unknown as CognitoGateway,
    coordination as unknown as CoordinationHealth,
    config,
    queue as unknown as JobQueue | undefined,
  );
  return { service, probe };
}

describe('ReadinessService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('checks Cognito only when there is neither Redis nor a queue', async () => {
    const { service } = setUp();
    expect(await service.check()).toEqual({ ready: true, checks: { cognito: 'ok' } });
  });

  it('names each failing check', async () => {
    const { service, probe } = setUp({ redis: false, waiting: 11 });
    probe.probe.mockRejectedValue(new IdentityProviderUnavailableError());
    expect(await service.check()).toEqual({
      ready: false,
      checks: { cognito: 'fail', redis: 'fail', queue: 'fail' },
    });
  });

  it('is ready with Redis answering and the backlog at its limit', async () => {
    const { service } = setUp({ redis: true, waiting: 10 });
    expect(await service.check()).toEqual({
      ready: true,
      checks: { cognito: 'ok', redis: 'ok', queue: 'ok' },
    });
  });

  it('reuses an answer for a few seconds, then asks again', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const { service, probe } = setUp();
    await Promise.all([service.check(), service.check()]);
    now += READINESS_TTL_MS - 1;
    await service.check();
    expect(probe.probe).toHaveBeenCalledTimes(1);
    now += 1;
    await service.check();
    expect(probe.probe).toHaveBeenCalledTimes(2);
  });
});
