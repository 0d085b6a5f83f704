import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-responses';

/**
 * Marks a controller or route as needing a frontend-client access token in the OpenAPI document.
 * (The guard is global and closed by default; this documents what it already enforces.)
 */
export const Authenticated = () => applyDecorators(ApiBearerAuth(), ApiErrorResponses(401));
