import { SetMetadata } from '@nestjs/common';
import type { JobContext, JobDefinition } from './job';

/** Where `@JobHandler` leaves the job it names, on the method. */
export const JOB_HANDLER = Symbol('JobHandler');

/**
 * Marks the method that runs a job kind, in the flow that owns it; found at boot by
 * JobHandlerExplorer. The method must take the job's payload type (and the job's context).
 */
export function JobHandler<Payload extends object>(job: JobDefinition<Payload>) {
  return <Method extends (payload: Payload, context: JobContext) => Promise<void>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): void => {
    SetMetadata(JOB_HANDLER, job)(target, key, descriptor);
  };
}
