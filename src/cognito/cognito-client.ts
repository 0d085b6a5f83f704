import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { cognitoConfig } from '../config/configuration';
import { COUNTER_STORE, type CounterStore } from '../coordination/coordination.types';
import { currentLease } from '../coordination/lease-lock';
import { Metrics, operationOf, outcomeOf } from '../metrics/metrics';
import { reportAccessDenied, toDomainError } from './cognito-errors';
import { CognitoQuota, parseQuotaLimits } from './cognito-quota';

/**
 * The service's one SDK client and its one send point (`call`), under the gateway: it keeps every
 * call under Cognito's request quotas (shared with the account's other apps, across every instance)
 * and turns SDK exceptions into domain errors, so nothing above `cognito/` sees an AWS type.
 */
@Injectable()
export class CognitoClient implements OnModuleDestroy {
  readonly userPoolId: string;
  readonly backendClientId: string;
  private readonly sdk: CognitoIdentityProviderClient;

  constructor(
    @Inject(cognitoConfig.KEY) config: ConfigType<typeof cognitoConfig>,
    @Inject(COUNTER_STORE) counters: CounterStore,
    @Optional() @Inject(Metrics) metrics?: Metrics | null,
  ) {
    this.userPoolId = config.userPoolId;
    this.backendClientId = config.backendClientId;
    this.sdk = new CognitoIdentityProviderClient({
      region: config.region,
      endpoint: config.endpoint,
      // Adaptive retries back off under Cognito's quotas; the budget is bounded so a request fails
      // with 503 in about COGNITO_MAX_ATTEMPTS x COGNITO_TIMEOUT_MS at worst, never hangs.
      maxAttempts: config.maxAttempts,
      retryMode: 'adaptive',
      requestHandler: {
        connectionTimeout: Math.min(3_000, config.timeoutMs),
        requestTimeout: config.timeoutMs,
        // Without it the SDK only logs a breached request timeout and keeps waiting.
        throwOnRequestTimeout: true,
        httpAgent: { keepAlive: true },
        httpsAgent: { keepAlive: true },
      },
    });
    const quota = new CognitoQuota(counters, {
      limits: parseQuotaLimits(config.quotas),
      margin: config.quotaMargin,
      maxWaitMs: config.timeoutMs,
    });
    this.sdk.middlewareStack.add(
      (next, context) => async (args) => {
        await quota.acquire(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'cognitoQuota' },
    );
    // Fencing: a locked section that lost its lease makes no write, checked before each attempt.
    this.sdk.middlewareStack.add(
      (next, context) => (args) => {
        if (!/^(Admin)?(Get|List|Describe)/.test(context.commandName ?? '')) currentLease()?.assertHeld();
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'leaseFence' },
    );
    const logger = new Logger('Cognito');
    this.sdk.middlewareStack.add(
      (next, context) => (args) =>
        next(args).catch((error: unknown) => {
          reportAccessDenied(error, operationOf(context.commandName), logger);
          throw error;
        }),
      { step: 'initialize', name: 'accessDenied' },
    );
    // Outermost: the time a caller waits, quota waits and SDK retries included.
    if (metrics) {
      this.sdk.middlewareStack.add((next) => (args) => observed(metrics, () => next(args)), {
        step: 'initialize',
        priority: 'high',
        name: 'cognitoMetrics',
      });
    }
  }

  onModuleDestroy(): void {
    this.sdk.destroy();
  }

  /** Runs one SDK call; its failure arrives as a domain error. */
  async call<Output>(send: (client: CognitoIdentityProviderClient) => Promise<Output>): Promise<Output> {
    try {
      return await send(this.sdk);
    } catch (error) {
      throw toDomainError(error);
    }
  }
}

/** Counts one call by outcome (ok or the domain error it becomes), and times it. */
async function observed<T>(metrics: Metrics, run: () => Promise<T>): Promise<T> {
  const stop = metrics.cognitoRequestDuration.startTimer();
  try {
    const output = await run();
    metrics.cognitoRequests.inc({ outcome: 'ok' });
    return output;
  } catch (error) {
    metrics.cognitoRequests.inc({ outcome: outcomeOf(toDomainError(error)) });
    throw error;
  } finally {
    stop();
  }
}
