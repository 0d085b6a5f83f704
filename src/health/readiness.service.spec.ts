import type { ConfigType } from '@nestjs/config';
import { IdentityProviderUnavailableError } from '../common/errors';
import type { CognitoGateway } from '../cognito/cognito-gateway';
import type { admissionConfig } from '../config/configuration';
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
  // A negative depth stands for a queue that does not answer.
  const queue =
    waiting === undefined
      ? undefined
      : {
          depth: () =>
            waiting < 0
              ? Promise.reject(new Error('unreachable'))
              : Promise.resolve({ waiting, oldestAgeMs: 0 }),
        };
  const config = { maxQueueDepth: 10 } as ConfigType<typeof admissionConfig>;
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
    const { service, probe } = setUp({ redis: false, waiting: 3 });
    probe.probe.mockRejectedValue(new IdentityProviderUnavailableError());
    expect(await service.check()).toMatchObject({ ready: false, checks: { cognito: 'fail', redis: 'fail' } });
  });

  it('stays ready with a backlog over the ceiling, and reports it', async () => {
    const { service } = setUp({ redis: true, waiting: 11 });
    expect(await service.check()).toEqual({
      ready: true,
      checks: { cognito: 'ok', redis: 'ok', queue: 'ok' },
      backlog: { waiting: 11, oldestAgeMs: 0, admitting: false },
    });
  });

  it('fails the queue check only when the queue does not answer', async () => {
    const { service } = setUp({ waiting: -1 });
    expect(await service.check()).toEqual({ ready: false, checks: { cognito: 'ok', queue: 'fail' } });
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
