import { applyDecorators } from '@nestjs/common';
import { isIP } from 'node:net';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';

// The field decorators of the environment schema (env.validation.ts).

/** Links a mail carries: an http(s) URL with both placeholders, in either order. */
export const LINK_TEMPLATE = /^https?:\/\/.*\{username\}.*\{token\}|^https?:\/\/.*\{token\}.*\{username\}/;
const toInt = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value === undefined ? undefined : value;

/** An optional whole number within bounds (given as a string in the environment). */
export const OptionalInt = (min: number, max: number) =>
  applyDecorators(IsOptional(), Transform(toInt), IsInt(), Min(min), Max(max));

/** An optional `true` or `false`. */
export const OptionalBool = () =>
  applyDecorators(IsOptional(), Transform(toBool), IsBoolean({ message: '$property must be true or false' }));

/**
 * A pool id starts with its region (`eu-west-1_AbC123`): one from another region than AWS_REGION is a
 * copy-paste slip that would otherwise show only as every token refused and every call failing.
 */
export const InRegionOfAwsRegion = () =>
  ValidateBy({
    name: 'inRegionOfAwsRegion',
    validator: {
      validate: (value: unknown, args) => {
        const region = (args?.object as { AWS_REGION?: unknown }).AWS_REGION;
        if (typeof value !== 'string' || typeof region !== 'string') return true;
        return value.split('_')[0] === region;
      },
      defaultMessage: (args) =>
        `COGNITO_USER_POOL_ID ${String(args?.value)} is a pool of region ${String(args?.value).split('_')[0]}, ` +
        `but AWS_REGION is ${String((args?.object as { AWS_REGION?: unknown }).AWS_REGION)}`,
    },
  });

/** Most hops a request can come through: more is a typo or a wish to believe a forged header. */
export const MAX_TRUSTED_HOPS = 5;

/** The shortest prefix a trusted proxy range may have: a broader one covers much of the internet. */
const MIN_PREFIX = { 4: 8, 6: 32 } as const;

/** Why one TRUST_PROXY entry (an address or CIDR) is refused; undefined when it is a real proxy range. */
export function trustedProxyProblem(entry: string): string | undefined {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR`;
  if (prefix === undefined) return undefined;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  const min = MIN_PREFIX[version as 4 | 6];
  if (!(bits <= (version === 4 ? 32 : 128))) return `"${entry}" has no valid prefix length`;
  if (bits < min)
    return `"${entry}" covers too much of the internet (IPv${version} prefixes start at /${min})`;
  return undefined;
}

/**
 * TRUST_PROXY: false, a hop count up to MAX_TRUSTED_HOPS, or real proxy addresses/CIDRs. Never
 * `true` (it believes the leftmost X-Forwarded-For, which the client writes) nor ranges so broad
 * that a client's own forged entry would be believed.
 */
export const TrustedProxies = () =>
  ValidateBy({
    name: 'trustedProxies',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && trustProxyProblems(value).length === 0,
      defaultMessage: (args) =>
        `TRUST_PROXY must be false, a hop count up to ${MAX_TRUSTED_HOPS} (1 behind one load balancer), ` +
        'or a comma-separated list of proxy addresses or CIDRs; true is refused because clients can forge the ' +
        `leftmost X-Forwarded-For${problemsOf(args?.value)}`,
    },
  });

function trustProxyProblems(value: string): string[] {
  if (value === 'false') return [];
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= MAX_TRUSTED_HOPS ? [] : [`${value} hops is more than any real chain of proxies`];
  }
  if (value === 'true') return ['true'];
  return value.split(',').flatMap((entry) => trustedProxyProblem(entry.trim()) ?? []);
}

const problemsOf = (value: unknown): string => {
  const problems = typeof value === 'string' ? trustProxyProblems(value).filter((p) => p !== 'true') : [];
  return problems.length > 0 ? ` (${problems.join('; ')})` : '';
};

/** Node refuses a header timeout longer than the whole request's (a RangeError at boot otherwise). */
export const WithinRequestTimeout = () =>
  ValidateBy({
    name: 'rule:withinRequestTimeout',
    validator: {
      validate: (value: unknown, args) => {
        const request = (args?.object as { HTTP_REQUEST_TIMEOUT_MS?: unknown }).HTTP_REQUEST_TIMEOUT_MS;
        return typeof value !== 'number' || typeof request !== 'number' || value <= request;
      },
      defaultMessage: () => 'HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS',
    },
  });
