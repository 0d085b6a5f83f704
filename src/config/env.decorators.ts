import { applyDecorators } from '@nestjs/common';
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
