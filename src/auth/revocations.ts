import { Inject, Injectable } from '@nestjs/common';
import { RECORD_STORE, type RecordStore } from '../coordination/coordination.types';

/** Cognito access tokens live at most a day: a mark older than that has nothing left to refuse. */
const LONGEST_TOKEN_LIFETIME_MS = 24 * 3_600_000;

/**
 * "Every session of this user ended at T": after a sign-out everywhere, a password reset, a disabled
 * or deleted account. This service refuses every access token of the user issued before T at once,
 * cached or not, on every instance sharing the store (Redis), instead of waiting for the tokens to
 * expire: verifying a JWT locally never asks Cognito whether it was revoked.
 */
@Injectable()
export class Revocations {
  constructor(@Inject(RECORD_STORE) private readonly records: RecordStore) {}

  async revokeAll(sub: string, at: Date = new Date()): Promise<void> {
    await this.records.put(this.key(sub), String(at.getTime()), LONGEST_TOKEN_LIFETIME_MS);
  }

  /** True when the user's sessions were ended after this token was issued (`iat`, in seconds). */
  async isRevoked(sub: string, issuedAtSeconds: number): Promise<boolean> {
    const mark = await this.records.get(this.key(sub));
    // iat has whole seconds: a token issued in the mark's own second counts as before it (a new
    // sign-in works from the next second on).
    return mark !== undefined && issuedAtSeconds <= Math.floor(Number(mark) / 1000);
  }

  private key(sub: string): string {
    return `revoked:${sub}`;
  }
}
