import { ApiProperty } from '@nestjs/swagger';

/** The body of every error this API answers with. */
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
