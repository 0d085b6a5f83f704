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
  /** At most READY_MAX_QUEUE_BACKLOG jobs wait; only when a job queue is present. */
  queue?: 'ok' | 'fail';
}

export class ReadinessResponseDto {
  /** `ready` with 200, `not ready` with 503. */
  status: 'ready' | 'not ready';
  checks: ReadinessChecksDto;
}
