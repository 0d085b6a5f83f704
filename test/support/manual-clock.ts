import { Clock } from '../../src/common/clock';

/** The service's one source of time, moved by the test: time passes without waiting. */
export class ManualClock extends Clock {
  private offsetMs = 0;
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceMinutes(minutes: number): void {
    this.offsetMs += minutes * 60_000;
  }
  advanceHours(hours: number): void {
    this.advanceMinutes(hours * 60);
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
