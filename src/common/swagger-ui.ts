import type { SwaggerCustomOptions } from '@nestjs/swagger';

/** What Swagger UI hands a request interceptor (the part read here). */
export interface SwaggerUiRequest {
  headers: Record<string, string | undefined>;
}

/**
 * Swagger UI's Authorize takes the bare token and sends `Bearer <value>`: a pasted `Bearer eyJ…`
 * would go out as `Bearer Bearer eyJ…` and be refused. This drops the doubled word. It runs in the
 * browser (Swagger UI's init script carries its source), so it uses nothing from outside itself.
 */
export function stripDoubledBearer(request: SwaggerUiRequest): SwaggerUiRequest {
  const value = request.headers.Authorization;
  if (value) request.headers.Authorization = value.replace(/^Bearer\s+Bearer\s+/i, 'Bearer ');
  return request;
}

/** How the bearer scheme reads in Swagger UI's Authorize dialog. */
export const BEARER_DESCRIPTION =
  'Paste the access token (with or without `Bearer `); the demo account page copies one with "Copy access token".';

export const SWAGGER_UI_OPTIONS: SwaggerCustomOptions = {
  jsonDocumentUrl: 'docs-json',
  swaggerOptions: { requestInterceptor: stripDoubledBearer },
};
