export class HealthResponseDto {
  /** @example ok */
  status: 'ok';
}

/** Each check: `ok`, or `fail` (the log says why). */
export class ReadinessChecksDto {
  /** Cognito answered a call of this service (endpoint, pool, credentials, permission). */
  cognito: 'ok' | 'fail';
  /** Redis answered PING; only when it is the coordination store. */
  redis?: 'ok' | 'fail';
  /** The DynamoDB table answered a read; only when it is the coordination store. */
  dynamodb?: 'ok' | 'fail';
  /** The job queue answered its depth (a backlog is no failure); only when a job queue is present. */
  queue?: 'ok' | 'fail';
}

/** The job queue's backlog, reported, never a reason to answer 503. */
export class ReadinessBacklogDto {
  /** Jobs not finished (running or waiting). */
  waiting: number;
  /** How long the oldest waiting job has waited. */
  oldestAgeMs: number;
  /** False while the backlog is over ADMISSION_MAX_QUEUE_DEPTH: the public routes then answer 503. */
  admitting: boolean;
}

export class ReadinessResponseDto {
  /** `ready` with 200, `not ready` with 503. */
  status: 'ready' | 'not ready';
  checks: ReadinessChecksDto;
  /** Only when a job queue is present and answered. */
  backlog?: ReadinessBacklogDto;
}
