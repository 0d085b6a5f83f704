import { Injectable } from '@nestjs/common';

/** The time, as a provider: expiry logic asks it, so tests can move time instead of waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
