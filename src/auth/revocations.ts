import { Inject, Injectable } from '@nestjs/common';
import { RECORD_STORE, type RecordStore } from '../coordination/coordination.types';

/** The longest an access token of the pool can live (Cognito's maximum): a mark outlives every token it stops. */
const ACCESS_TOKEN_MAX_LIFETIME_MS = 24 * 3_600_000;

/**
 * Marks that stop a user's access tokens at once (Cognito's own sign-out only stops refresh tokens;
 * access tokens stay valid until they expire). Kept in the shared record store, so every instance
 * refuses them; each mark expires when no token it could stop is still alive.
 */
@Injectable()
export class Revocations {
  constructor(@Inject(RECORD_STORE) private readonly records: RecordStore) {}

  /** Every access token of `sub` issued before `at` is refused from now on. */
  async revokeAllBefore(sub: string, at: Date): Promise<void> {
    await this.records.put(this.key(sub), String(at.getTime()), ACCESS_TOKEN_MAX_LIFETIME_MS);
  }

  /**
   * Whether a token of `sub` issued at `issuedAt` (seconds, as `iat`) is revoked. `iat` has whole
   * seconds only: a token issued in the mark's own second is refused too, as it may predate it.
   */
  async isRevoked(sub: string, issuedAt: number): Promise<boolean> {
    const mark = await this.records.get(this.key(sub));
    return mark !== undefined && issuedAt <= Math.floor(Number(mark) / 1000);
  }

  private key(sub: string): string {
    return `revoked-before:${sub}`;
  }
}
