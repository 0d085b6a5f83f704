import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './dto/error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed or invalid input; the message names the field',
  401: 'Missing, invalid or expired access token',
  403: 'The token is valid but may not do this',
  404: 'No such user',
  409: 'Conflicts with another account',
  413: 'Request body over 100 kB',
  429: 'Too many requests; see Retry-After',
  503: 'Cognito or the mail server is unavailable; retry after Retry-After seconds',
};

/** Documents the error answers a route can give, all with the one error body. */
export const ApiErrorResponses = (...statuses: (keyof typeof DESCRIPTIONS)[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );
