import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables, validateEnvironment } from '../src/config/env.validation';
import { RetryPolicy } from '../src/jobs/retry-policy';
import { lambdaRuntime } from './support/deployment';
import { buildBundle, httpEvent, startLambda, type Bundle } from './support/lambda';
import { exampleStack, functionsOf, readTemplate, StackEvaluator } from './support/template';

const template = readTemplate();
const functions = functionsOf(template);

/** Each function's environment in a stack filled in as an operator would, plus Lambda's own variables. */
const environmentOf = (
  logicalId: string,
  parameters: Record<string, string> = {},
  of = template,
): Record<string, string> => ({
  ...new StackEvaluator(of, exampleStack(parameters)).environment(logicalId),
  ...lambdaRuntime(logicalId, template.Globals.Function.MemorySize, 'ASIAEXAMPLE'),
});

describe('deploy/template.yaml', () => {
  it.each([
    ['DynamoDB', {}],
    ['Redis', { RedisUrl: 'rediss://cache.example.com:6379' }],
    ['SMTP', { MailTransport: 'smtp', SmtpUrl: 'smtps://mail.example.com' }],
  ])(
    'gives each function every variable the configuration requires and none it does not know (%s)',
    (_, parameters) => {
      const known = new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
          .map((rule) => rule.propertyName),
      );
      for (const [name] of functions) {
        const given = new StackEvaluator(template, exampleStack(parameters)).environment(name);
        expect({ name, unknown: Object.keys(given).filter((variable) => !known.has(variable)) }).toEqual({
          name,
          unknown: [],
        });
        // Throws one message naming every missing or invalid variable.
        const env = environmentOf(name, parameters);
        expect(() => validateEnvironment(env)).not.toThrow();
        expect(env.QUEUE_ENGINE).toBe('sqs');
        expect(env.JOBS_QUEUE_URL).toMatch(/^https:/);
      }
      // AWS_REGION is Lambda's own (reserved): the template may not set it.
      expect(Object.keys(template.Globals.Function.Environment?.Variables ?? {})).not.toContain('AWS_REGION');
    },
  );

  it.each([
    ['PASSWORD_RESET_URL', /PASSWORD_RESET_URL is required/],
    // Without it the store is each container's own memory, which the service refuses on SQS and Lambda.
    ['COORDINATION_TABLE', /COORDINATION_TABLE \(DynamoDB\) or REDIS_URL/],
  ])('refuses a template that leaves out %s', (variable, message) => {
    const broken = readTemplate();
    delete broken.Globals.Function.Environment?.Variables[variable];
    expect(() => validateEnvironment(environmentOf('Api', {}, broken))).toThrow(message);
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
      deadLetterTargetArn: { 'Fn::GetAtt': ['JobsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: { Ref: 'JobMaxAttempts' },
    });
    const workerTimeout = template.Resources.Worker?.Properties.Timeout as number;
    expect(queue?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * workerTimeout);
  });

  it('reports partial batch failures from the worker', () => {
    const events = template.Resources.Worker?.Properties.Events as Record<string, { Properties: object }>;
    expect(events.Jobs?.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('invokes the worker on a schedule every RepairIntervalMinutes, the interval its containers are told', () => {
    const stack = new StackEvaluator(template, exampleStack({ RepairIntervalMinutes: '15' }));
    const events = stack.evaluate(template.Resources.Worker?.Properties.Events) as Record<
      string,
      { Type: string; Properties: unknown }
    >;
    expect(Object.values(events).filter((event) => event.Type === 'Schedule')).toEqual([
      { Type: 'Schedule', Properties: { Schedule: 'rate(15 minutes)' } },
    ]);
    expect(stack.environment('Worker').ACCOUNT_REPAIR_INTERVAL_MINUTES).toBe('15');
    // EventBridge writes one minute `rate(1 minute)`: the plural form needs at least 2.
    const parameter = template.Parameters.RepairIntervalMinutes as { MinValue?: number; Default?: number };
    expect(parameter.MinValue).toBeGreaterThanOrEqual(2);
    expect(String(parameter.Default)).toBe(
      String(new EnvironmentVariables().ACCOUNT_REPAIR_INTERVAL_MINUTES),
    );
  });

  describe('with the bundle', () => {
    let bundle: Bundle;
    beforeAll(async () => {
      bundle = await buildBundle();
    }, 60_000);
    afterAll(() => bundle?.remove());

    it.each(functions.map(([name]) => name))(
      'starts the %s function with exactly the environment the template gives it',
      async (name) => {
        // Nothing is reachable: /health calls nothing, so the container only has to start.
        const lambda = await startLambda(bundle.dir, environmentOf(name));
        try {
          const [file, exported] = String(template.Resources[name]?.Properties.Handler).split('.');
          expect(file).toBe('lambda');
          expect(lambda.exports).toContain(exported);
          const health = await lambda.invoke('handler', httpEvent('GET', '/health'));
          expect(health.statusCode).toBe(200);
        } finally {
          await lambda.stop();
        }
      },
    );
  });
});
