import type { DirectoryQuery } from './cognito-gateway';
import { EMAIL } from './account';

/** Cognito refuses a ListUsers filter longer than this. */
const MAX_FILTER_LENGTH = 256;

/** A value inside a ListUsers filter: double-quoted, its quotes and backslashes escaped. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The ListUsers filter for a query, or undefined for every user. */
export function listFilter(query: DirectoryQuery): string | undefined {
  let filter: string | undefined;
  if ('email' in query) filter = `${EMAIL} = ${quoted(query.email)}`;
  else if ('emailPrefix' in query) filter = `${EMAIL} ^= ${quoted(query.emailPrefix)}`;
  else if ('invited' in query) filter = `cognito:user_status = ${quoted('FORCE_CHANGE_PASSWORD')}`;
  else if ('enabled' in query) filter = `status = ${quoted(query.enabled ? 'Enabled' : 'Disabled')}`;
  if (filter && filter.length > MAX_FILTER_LENGTH) {
    throw new RangeError(`ListUsers filter over ${MAX_FILTER_LENGTH} characters`);
  }
  return filter;
}
