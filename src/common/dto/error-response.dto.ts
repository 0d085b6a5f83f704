import { ApiProperty } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

/** The body of every error this API answers with: documented here, built by `errorResponse`. */
export class ErrorResponseDto {
  /** The HTTP status code, repeated. */
  statusCode: number;
  /** The HTTP status text. */
  error: string;
  /** What went wrong, for people; validation errors list one line per problem. */
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  message: string | string[];
  /** Stable machine-readable reason for domain errors, e.g. INVALID_ACTIVATION_LINK. */
  code?: string;
  /** Present on 500s: quote it when reporting a problem. */
  requestId?: string;
}

/** The one way to build an error body; the status text follows from the status code. */
export function errorResponse(
  statusCode: number,
  message: string | string[],
  extra: Pick<ErrorResponseDto, 'code' | 'requestId'> = {},
): ErrorResponseDto {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...extra };
}
