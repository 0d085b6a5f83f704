import type { CoordinationStoreEngine } from '../config/coordination-store';

/** How long the store may take to answer before it counts as out of reach. */
const PING_TIMEOUT_MS = 1_000;

/** For readiness: which store holds the shared state, and whether it answers. */
export class CoordinationHealth {
  constructor(
    readonly engine: CoordinationStoreEngine,
    private readonly ping: () => Promise<boolean>,
  ) {}

  /** True with a shared store (Redis, DynamoDB); in memory there is nothing to reach. */
  get shared(): boolean {
    return this.engine !== 'memory';
  }

  /** An answer within a second; always true in memory. */
  async isReachable(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.ping().catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
