import { ValidateBy } from 'class-validator';

export const COORDINATION_STORES = ['memory', 'redis', 'dynamodb'] as const;
export type CoordinationStoreEngine = (typeof COORDINATION_STORES)[number];

/** The variables that decide where coordination state lives and how many processes share it. */
interface CoordinationVariables {
  COORDINATION_STORE?: string;
  REDIS_URL?: string;
  COORDINATION_TABLE?: string;
  QUEUE_ENGINE?: string;
  AWS_LAMBDA_FUNCTION_NAME?: string;
  INSTANCE_COUNT?: number | string;
}

/** COORDINATION_STORE, else redis with REDIS_URL, else dynamodb with COORDINATION_TABLE, else memory. */
export const coordinationStoreOf = (env: CoordinationVariables): CoordinationStoreEngine =>
  (env.COORDINATION_STORE as CoordinationStoreEngine | undefined) ??
  (env.REDIS_URL ? 'redis' : env.COORDINATION_TABLE ? 'dynamodb' : 'memory');

/** Why the service runs in more than one process, or undefined when it is one process. */
export function severalProcesses(env: CoordinationVariables): string | undefined {
  if (env.QUEUE_ENGINE === 'sqs' || env.QUEUE_ENGINE === 'bullmq') {
    return `QUEUE_ENGINE=${env.QUEUE_ENGINE} runs jobs in other processes`;
  }
  if (env.AWS_LAMBDA_FUNCTION_NAME) return 'it runs on AWS Lambda, one process per container';
  if (Number(env.INSTANCE_COUNT ?? 1) > 1) return `INSTANCE_COUNT=${env.INSTANCE_COUNT}`;
  return undefined;
}

/**
 * COORDINATION_STORE is one of the engines, and not memory where several processes serve: each
 * would keep its own locks, rate-limit counters and revocations, and promise what it cannot keep.
 */
export const SharedWhereSeveralProcesses = () =>
  ValidateBy({
    // A rule between variables: its message stands even when COORDINATION_STORE itself is unset.
    name: 'rule:sharedWhereSeveralProcesses',
    validator: {
      validate: (value: unknown, args) => {
        if (value !== undefined && !(COORDINATION_STORES as readonly unknown[]).includes(value)) return false;
        const env = args?.object as CoordinationVariables;
        return coordinationStoreOf(env) !== 'memory' || severalProcesses(env) === undefined;
      },
      defaultMessage: (args) => {
        const env = args?.object as CoordinationVariables;
        if (args?.value !== undefined && !(COORDINATION_STORES as readonly unknown[]).includes(args.value)) {
          return `COORDINATION_STORE must be one of ${COORDINATION_STORES.join(', ')}`;
        }
        const fix =
          env.COORDINATION_STORE === 'memory'
            ? 'Set COORDINATION_STORE to dynamodb (with COORDINATION_TABLE) or redis (with REDIS_URL)'
            : 'Set COORDINATION_TABLE (DynamoDB) or REDIS_URL (Redis)';
        return (
          `COORDINATION_STORE is memory, but several processes serve (${severalProcesses(env)}): ` +
          `locks, rate limits and sign-outs would not be shared. ${fix}`
        );
      },
    },
  });
