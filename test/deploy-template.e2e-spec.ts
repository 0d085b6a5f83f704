import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';
import { EnvironmentVariables } from '../src/config/env.validation';
import { RetryPolicy } from '../src/jobs/retry-policy';
import { DEFAULT_REGION } from './support/cognito-pool';
import { testEnv } from './support/env';
import { buildBundle, startLambda, type Bundle } from './support/lambda';

/** CloudFormation's short forms, read as their long forms (`!Ref X` → `{ Ref: X }`). */
const CLOUDFORMATION_TAGS: Tags = ['Ref', 'Sub', 'GetAtt'].map((name) => ({
  tag: `!${name}`,
  resolve: (value: string) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: value }),
}));

interface Template {
  Parameters: Record<string, { Default?: unknown }>;
  Globals: { Function: { Environment: { Variables: Record<string, unknown> } } };
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

const template = parse(readFileSync(join(__dirname, '..', 'deploy', 'template.yaml'), 'utf8'), {
  customTags: CLOUDFORMATION_TAGS,
}) as Template;

const functions = Object.entries(template.Resources).filter(
  ([, r]) => r.Type === 'AWS::Serverless::Function',
);

describe('deploy/template.yaml', () => {
  it('gives the functions only variables the configuration knows, and every required one', () => {
    const known = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
        .map((rule) => rule.propertyName),
    );
    const given = Object.keys(template.Globals.Function.Environment.Variables);
    for (const [, fn] of functions) {
      const own = (fn.Properties.Environment as { Variables?: object } | undefined)?.Variables ?? {};
      given.push(...Object.keys(own));
    }
    expect(given.filter((name) => !known.has(name))).toEqual([]);
    // AWS_REGION is Lambda's own (reserved): the service reads it without the template setting it.
    const required = ['COGNITO_USER_POOL_ID', 'COGNITO_BACKEND_CLIENT_ID', 'COGNITO_FRONTEND_CLIENT_ID'];
    expect(given).toEqual(
      expect.arrayContaining([...required, 'QUEUE_ENGINE', 'JOBS_QUEUE_URL', 'MAIL_FROM']),
    );
    expect(given).not.toContain('AWS_REGION');
  });

  it('lets SQS count as many runs as the retry policy allows with the default job settings', () => {
    const defaults = new EnvironmentVariables();
    const policy = new RetryPolicy({
      backoffBaseMs: defaults.JOB_BACKOFF_BASE_MS,
      backoffMaxMs: defaults.JOB_BACKOFF_MAX_MS,
      horizonMs: defaults.JOB_RETRY_HORIZON_HOURS * 3_600_000,
    });
    expect(template.Parameters.JobMaxAttempts?.Default).toBe(policy.maxAttempts);
    const queue = template.Resources.JobsQueue?.Properties;
    expect(queue?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': 'JobsDeadLetterQueue.Arn' },
      maxReceiveCount: { Ref: 'JobMaxAttempts' },
    });
    const workerTimeout = template.Resources.Worker?.Properties.Timeout as number;
    expect(queue?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * workerTimeout);
  });

  it('reports partial batch failures from the worker', () => {
    const events = template.Resources.Worker?.Properties.Events as Record<string, { Properties: object }>;
    expect(events.Jobs?.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  describe('with the bundle', () => {
    let bundle: Bundle;
    beforeAll(async () => {
      bundle = await buildBundle();
    }, 60_000);
    afterAll(() => bundle?.remove());

    it('names handlers the bundle exports', async () => {
      const env = testEnv({
        endpoint: 'http://127.0.0.1:9',
        pool: {
          userPoolId: `${DEFAULT_REGION}_test`,
          backendClientId: 'backend',
          frontendClientId: 'frontend',
        },
        smtpUrl: 'smtp://127.0.0.1:9',
      });
      const lambda = await startLambda(bundle.dir, env);
      try {
        for (const [name, fn] of functions) {
          const [file, exported] = String(fn.Properties.Handler).split('.');
          expect({ name, file }).toEqual({ name, file: 'lambda' });
          expect(lambda.exports).toContain(exported);
        }
      } finally {
        await lambda.stop();
      }
    });
  });
});
