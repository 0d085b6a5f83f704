import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type ErrorBody = components['schemas']['ErrorResponseDto'];

/**
 * An answer of 4xx or 5xx, with the service's error body. `code` is the stable reason of a domain error
 * (REAUTHENTICATION_REQUIRED, RATE_LIMITED, ...; see docs/frontend.md) and absent for validation errors;
 * `retryAfterSeconds` comes from Retry-After (429 and 503).
 */
export class AccountsApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly messages: string[];
  readonly retryAfterSeconds: number | undefined;
  readonly body: ErrorBody | undefined;

  constructor(status: number, body: ErrorBody | undefined, retryAfter: string | null) {
    const messages = body === undefined ? [] : [body.message].flat();
    super(messages.join('\n') || `The service answered ${status}`);
    this.name = 'AccountsApiError';
    this.status = status;
    this.code = body?.code;
    this.messages = messages;
    this.body = body;
    const seconds = retryAfter === null ? NaN : Number(retryAfter);
    this.retryAfterSeconds = Number.isFinite(seconds) ? seconds : undefined;
  }
}

export interface AccountsClientOptions {
  /** Where the service answers, e.g. https://accounts.example.com (no trailing slash). */
  baseUrl: string;
  /** The Cognito access token of the signed-in user, or undefined when nobody is signed in. */
  getAccessToken?: () => string | undefined | Promise<string | undefined>;
  /** Another fetch (tests, server-side rendering); the global one by default. */
  fetch?: (input: Request) => Promise<Response>;
}

export type AccountsClient = Client<paths>;

async function errorBodyOf(response: Response): Promise<ErrorBody | undefined> {
  const body: unknown = await response.json().catch(() => undefined);
  return typeof body === 'object' && body !== null && 'statusCode' in body ? (body as ErrorBody) : undefined;
}

/**
 * A typed client of the accounts API. A call resolves with `{ data, response }` on success and
 * rejects with an AccountsApiError otherwise, so `data` is always the documented success body.
 */
export function createAccountsClient({
  baseUrl,
  getAccessToken,
  fetch,
}: AccountsClientOptions): AccountsClient {
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
  const middleware: Middleware = {
    async onRequest({ request }) {
      const token = await getAccessToken?.();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    async onResponse({ response }) {
      if (response.ok) return response;
      throw new AccountsApiError(
        response.status,
        await errorBodyOf(response),
        response.headers.get('Retry-After'),
      );
    },
  };
  client.use(middleware);
  return client;
}

/**
 * The success body of a call: the client rejects every error answer, so the `data` openapi-fetch
 * types as optional (for its error branch) is always there. `await dataOf(client.GET('/accounts/me'))`.
 */
export async function dataOf<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}
