import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorResponseDto } from './dto/error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed or invalid input; the message names the field',
  401: 'Missing, invalid or expired access token',
  403: 'The token is valid but may not do this',
  404: 'No such user',
  409: 'Conflicts with another account',
  413: 'Request body over 100 kB',
  415: 'Request body other than JSON',
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

/**
 * The answers to a request body, the same on every POST and DELETE (whether or not the route reads
 * one): Fastify's JSON parser runs before any route, its guard or its validation, so malformed JSON
 * is a 400, over 100 kB a 413, another Content-Type a 415. Added to the document in one place rather
 * than on each route.
 */
export function addBodyResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.post, item.delete]) {
      if (!operation) continue;
      for (const status of [400, 413, 415] as const) {
        operation.responses[status] ??= {
          description: DESCRIPTIONS[status],
          content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) } } },
        };
      }
    }
  }
  return document;
}
