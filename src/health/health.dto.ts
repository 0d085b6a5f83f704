export class HealthResponseDto {
  /** @example ok */
  status: 'ok';
}
