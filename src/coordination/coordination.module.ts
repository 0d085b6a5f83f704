import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { coordinationConfig } from '../config/configuration';
import { CoordinationHealth } from './coordination-health';
import { COUNTER_STORE, KEYED_LOCK, RECORD_STORE } from './coordination.types';
import { openStore, type CoordinationStore } from './open-store';

const STORE = Symbol('CoordinationStore');

/**
 * State that must be shared by every instance of the service: locks, rate-limit counters and
 * short-lived records. In memory (one process), Redis or DynamoDB: COORDINATION_STORE.
 */
@Global()
@Module({
  providers: [
    {
      provide: STORE,
      inject: [coordinationConfig.KEY],
      useFactory: (config: ConfigType<typeof coordinationConfig>) => openStore(config),
    },
    { provide: COUNTER_STORE, inject: [STORE], useFactory: (store: CoordinationStore) => store.counters },
    { provide: KEYED_LOCK, inject: [STORE], useFactory: (store: CoordinationStore) => store.lock },
    { provide: RECORD_STORE, inject: [STORE], useFactory: (store: CoordinationStore) => store.records },
    {
      provide: CoordinationHealth,
      inject: [STORE],
      useFactory: (store: CoordinationStore) => new CoordinationHealth(store.engine, () => store.ping()),
    },
  ],
  exports: [COUNTER_STORE, KEYED_LOCK, RECORD_STORE, CoordinationHealth],
})
export class CoordinationModule implements OnApplicationShutdown {
  constructor(@Inject(STORE) private readonly store: CoordinationStore) {}

  /** Runs after the HTTP server has drained, so no command is pending. */
  onApplicationShutdown(): void {
    this.store.close();
  }
}
