import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AWS_ACTIONS, TOKEN_AUTHORIZED_ACTIONS, type DeployedFunction } from '../src/cognito/aws-actions';
import { functionPolicy, grantsByResource, sortedGrants, type PolicyStatement } from './support/aws-iam';
import { exampleStack, readTemplate, StackEvaluator } from './support/template';

/** The template's function of each entry of the list in src/. */
const LOGICAL_IDS: Record<DeployedFunction, string> = { api: 'Api', worker: 'Worker' };

/** The JSON policy under docs/aws.md's heading for the function. */
function documentedPolicy(heading: string): PolicyStatement[] {
  const docs = readFileSync(join(__dirname, '..', 'docs', 'aws.md'), 'utf8');
  const section = docs.split(`#### ${heading}\n`)[1];
  const json = section?.match(/```json\n([\s\S]*?)\n```/)?.[1];
  if (!json) throw new Error(`docs/aws.md has no policy under "#### ${heading}"`);
  return (JSON.parse(json) as { Statement: PolicyStatement[] }).Statement;
}

/** IAM's service prefix of each AWS SDK client the service uses. */
const SDK_SERVICES: Record<string, string> = {
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-eventbridge': 'events',
};

/**
 * Every SDK command the deployed code names, as an IAM action, with where. Provisioning and the
 * command-line tools run as the operator, not as a function.
 */
function commandsInSource(): { action: string; file: string }[] {
  const src = join(__dirname, '..', 'src');
  const files = (readdirSync(src, { recursive: true }) as string[]).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !/^(provisioning|bin)\//.test(file),
  );
  return files.flatMap((file) => {
    const code = readFileSync(join(src, file), 'utf8');
    const [client, service] = Object.entries(SDK_SERVICES).find(([name]) => code.includes(`'${name}'`)) ?? [];
    if (!client || !service) return [];
    return [...code.matchAll(/\b([A-Z]\w+)Command\b/g)].map(([, name]) => ({
      action: `${service}:${name}`,
      file: relative(src, join(src, file)),
    }));
  });
}

const functions = Object.keys(LOGICAL_IDS) as DeployedFunction[];
const template = readTemplate();

describe('IAM from the code: each function is granted exactly what it calls', () => {
  it.each(functions)('the template grants the %s function exactly its list, resource by resource', (fn) => {
    const stack = new StackEvaluator(template, exampleStack());
    expect(grantsByResource(functionPolicy(stack, LOGICAL_IDS[fn]))).toEqual(sortedGrants(AWS_ACTIONS[fn]));
  });

  it.each([
    ['api', 'API function'],
    ['worker', 'Worker function'],
  ] as const)('docs/aws.md shows the %s function exactly its list', (fn, heading) => {
    expect(grantsByResource(documentedPolicy(heading))).toEqual(sortedGrants(AWS_ACTIONS[fn]));
  });

  it('lists every AWS SDK command the deployed code sends (a new one must be added to the list)', () => {
    const listed = new Set<string>([
      ...Object.values(AWS_ACTIONS).flatMap((grants) => Object.values(grants).flat()),
      ...TOKEN_AUTHORIZED_ACTIONS,
    ]);
    const found = commandsInSource();
    expect(found.map(({ action }) => action)).toEqual(
      expect.arrayContaining([
        'cognito-idp:AdminUserGlobalSignOut',
        'sqs:SendMessage',
        'dynamodb:UpdateItem',
        'ses:SendEmail',
      ]),
    );
    expect(found.filter(({ action }) => !listed.has(action))).toEqual([]);
  });

  it('drops the table, its variable and its statement when the store is Redis', () => {
    const stack = new StackEvaluator(template, exampleStack({ RedisUrl: 'rediss://cache.example.com:6379' }));
    expect(stack.exists('CoordinationTable')).toBe(false);
    for (const fn of functions) {
      const { coordinationTable, ...rest } = AWS_ACTIONS[fn];
      expect(coordinationTable).toBeDefined();
      expect(grantsByResource(functionPolicy(stack, LOGICAL_IDS[fn]))).toEqual(sortedGrants(rest));
      expect(stack.environment(LOGICAL_IDS[fn])).not.toHaveProperty('COORDINATION_TABLE');
      expect(stack.environment(LOGICAL_IDS[fn])).toHaveProperty(
        'REDIS_URL',
        'rediss://cache.example.com:6379',
      );
    }
  });

  it('grants no SES action when mail goes over SMTP', () => {
    const stack = new StackEvaluator(
      template,
      exampleStack({ MailTransport: 'smtp', SmtpUrl: 'smtps://mail.example.com' }),
    );
    for (const fn of functions) {
      expect(grantsByResource(functionPolicy(stack, LOGICAL_IDS[fn]))).not.toHaveProperty('mail');
    }
  });

  it('grants SES on the configuration set only when one is given', () => {
    const withSet = new StackEvaluator(template, exampleStack());
    const without = new StackEvaluator(template, exampleStack({ SesConfigurationSet: '' }));
    const mailResources = (stack: StackEvaluator) =>
      functionPolicy(stack, 'Api')
        .filter((s) => s.Sid === 'Mail')
        .flatMap((s) => s.Resource);
    expect(mailResources(withSet)).toEqual([
      'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      'arn:aws:ses:eu-west-1:123456789012:configuration-set/accounts',
    ]);
    expect(mailResources(without)).toEqual(['arn:aws:ses:eu-west-1:123456789012:identity/example.com']);
  });

  it('lists what provisioning needs for SES in the pool (the service-linked role)', () => {
    const docs = readFileSync(join(__dirname, '..', 'docs', 'aws.md'), 'utf8');
    const provisioning = docs.split('## Provisioning a real pool')[1]?.split('\n## ')[0] ?? '';
    expect(provisioning).toContain('`iam:CreateServiceLinkedRole`');
    expect(provisioning).toContain('email.cognito-idp.amazonaws.com');
  });
});
