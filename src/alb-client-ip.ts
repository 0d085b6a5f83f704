import type { ALBEvent } from 'aws-lambda';
import { isIP } from 'node:net';

/** An event from an Application Load Balancer (its request context names the target group). */
export const isAlbEvent = (event: object): event is ALBEvent =>
  'requestContext' in event &&
  typeof event.requestContext === 'object' &&
  'elb' in (event.requestContext ?? {});

/** One header of an ALB event, whatever its case and whether multi-value headers are on: its last value. */
function lastHeader(event: ALBEvent, name: string): string | undefined {
  const multi = Object.entries(event.multiValueHeaders ?? {}).find(([key]) => key.toLowerCase() === name);
  if (multi) return multi[1]?.at(-1);
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/**
 * The client's address as the ALB saw it: the last entry of X-Forwarded-For, which the ALB appends
 * itself (its default `append` processing mode; Elastic Load Balancing User Guide, "X-Forwarded
 * headers"). Entries before it are whatever the client sent and are never believed. Undefined when
 * the header carries no address.
 */
export function albClientIp(event: ALBEvent): string | undefined {
  const last = lastHeader(event, 'x-forwarded-for')?.split(',').at(-1)?.trim();
  return last && isIP(last) ? last : undefined;
}

/**
 * ALB events carry no `sourceIp`, so every client behind an ALB would share one per-IP limit: give
 * the event the ALB's client address where @fastify/aws-lambda reads one (`requestContext.identity`).
 */
export function withAlbClientIp(event: ALBEvent): ALBEvent {
  const sourceIp = albClientIp(event);
  if (!sourceIp) return event;
  return { ...event, requestContext: { ...event.requestContext, identity: { sourceIp } } } as ALBEvent;
}
