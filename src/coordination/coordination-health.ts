import type { Redis } from 'ioredis';

/** How long a PING may take before Redis counts as out of reach. */
const PING_TIMEOUT_MS = 1_000;

/** For readiness: whether the shared store is in use, and whether it answers. */
export class CoordinationHealth {
  constructor(private readonly redis: Redis | null) {}

  /** True when REDIS_URL is set; in memory there is nothing to reach. */
  get usesRedis(): boolean {
    return this.redis !== null;
  }

  /** PING within a second; always true in memory. */
  async isReachable(): Promise<boolean> {
    if (!this.redis) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    try {
      const pong = this.redis.ping().then(
        (answer) => answer === 'PONG',
        () => false,
      );
      return await Promise.race([pong, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
