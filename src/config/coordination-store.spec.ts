import { coordinationConfig } from './configuration';
import { coordinationStoreOf } from './coordination-store';
import { validateEnvironment } from './env.validation';
import { VALID_ENVIRONMENT as VALID } from './valid-environment.fixture';

/** The message validateEnvironment throws for `raw`; fails the test if it does not throw. */
function failureFor(raw: Record<string, unknown>): string {
  try {
    validateEnvironment(raw);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

const SQS = { QUEUE_ENGINE: 'sqs', JOBS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs' };
const REDIS = { REDIS_URL: 'redis://127.0.0.1:6379' };
const TABLE = { COORDINATION_TABLE: 'accounts-coordination' };

describe('the coordination store setting', () => {
  it('defaults to redis with REDIS_URL, else dynamodb with COORDINATION_TABLE, else memory', () => {
    expect(coordinationStoreOf(validateEnvironment({ ...VALID }))).toBe('memory');
    expect(coordinationStoreOf(validateEnvironment({ ...VALID, ...TABLE }))).toBe('dynamodb');
    expect(coordinationStoreOf(validateEnvironment({ ...VALID, ...TABLE, ...REDIS }))).toBe('redis');
    expect(
      coordinationStoreOf(
        validateEnvironment({ ...VALID, ...TABLE, ...REDIS, COORDINATION_STORE: 'dynamodb' }),
      ),
    ).toBe('dynamodb');
  });

  it('gives the slice the store, its table and the region', () => {
    const saved = { ...process.env };
    Object.assign(process.env, VALID, TABLE);
    try {
      expect(coordinationConfig()).toMatchObject({
        store: 'dynamodb',
        table: 'accounts-coordination',
        region: 'eu-west-1',
      });
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    }
  });

  it('needs the table with dynamodb and the URL with redis, and knows no other engine', () => {
    expect(failureFor({ ...VALID, COORDINATION_STORE: 'dynamodb' })).toContain(
      'COORDINATION_TABLE is required',
    );
    expect(failureFor({ ...VALID, COORDINATION_STORE: 'redis' })).toContain('REDIS_URL is required');
    expect(failureFor({ ...VALID, COORDINATION_STORE: 'etcd' })).toContain(
      'COORDINATION_STORE must be one of memory, redis, dynamodb',
    );
    expect(failureFor({ ...VALID, COORDINATION_TABLE: 'a b' })).toContain(
      'COORDINATION_TABLE must be a DynamoDB table name',
    );
  });

  it.each([
    ['the SQS engine', SQS, 'QUEUE_ENGINE=sqs'],
    [
      'the BullMQ engine',
      { QUEUE_ENGINE: 'bullmq', ...REDIS, COORDINATION_STORE: 'memory' },
      'QUEUE_ENGINE=bullmq',
    ],
    ['AWS Lambda', { AWS_LAMBDA_FUNCTION_NAME: 'accounts-api' }, 'AWS Lambda'],
    ['more than one instance', { INSTANCE_COUNT: '3' }, 'INSTANCE_COUNT=3'],
  ])('refuses the memory store under %s, naming the variable to set', (_case, variables, reason) => {
    const lines = failureFor({ ...VALID, ...variables })
      .split('\n')
      .filter((l) => l.includes('COORDINATION'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(reason);
    expect(lines[0]).toContain(
      'COORDINATION_STORE' in variables
        ? 'Set COORDINATION_STORE to dynamodb (with COORDINATION_TABLE) or redis (with REDIS_URL)'
        : 'Set COORDINATION_TABLE (DynamoDB) or REDIS_URL (Redis)',
    );
  });

  it('starts where several processes share a store, and on memory as one process', () => {
    expect(() => validateEnvironment({ ...VALID, ...SQS, ...TABLE })).not.toThrow();
    expect(() => validateEnvironment({ ...VALID, ...SQS, ...REDIS })).not.toThrow();
    expect(() =>
      validateEnvironment({ ...VALID, AWS_LAMBDA_FUNCTION_NAME: 'accounts-api', ...TABLE }),
    ).not.toThrow();
    expect(() =>
      validateEnvironment({ ...VALID, INSTANCE_COUNT: '1', QUEUE_ENGINE: 'memory' }),
    ).not.toThrow();
  });
});
