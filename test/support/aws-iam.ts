import type { AwsResource } from '../../src/cognito/aws-actions';
import type { StackEvaluator } from './template';

/** One statement of an identity-based policy, as IAM reads it. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/**
 * The statements of a function's `Policies` in this stack: inline statements and managed policies
 * of the template. SAM's policy templates and AWS managed policies are not used by the template's
 * functions and are refused here, so a policy nobody checks cannot slip in.
 */
export function functionPolicy(stack: StackEvaluator, logicalId: string): PolicyStatement[] {
  const declared = stack.template.Resources[logicalId]?.Properties.Policies ?? [];
  const policies = stack.evaluate(declared) as unknown[];
  return policies.flatMap((policy) => {
    if (typeof policy === 'object' && policy !== null && 'Statement' in policy) {
      return (policy as { Statement: PolicyStatement[] }).Statement;
    }
    throw new Error(`${logicalId}: a policy this check does not read: ${JSON.stringify(policy)}`);
  });
}

/** IAM's wildcard match: `*` any run of characters, `?` one; actions ignore case, ARNs do not. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/**
 * Whether the statements allow `action` on every one of `resources` (an explicit Deny wins, and
 * nothing is allowed unless a statement allows it: IAM's evaluation logic for one account).
 */
export function isAllowed(statements: PolicyStatement[], action: string, resources: string[]): boolean {
  const matches = (s: PolicyStatement, resource: string) =>
    list(s.Action).some((a) => wildcard(a, action, true)) &&
    list(s.Resource).some((r) => wildcard(r, resource, false));
  return resources.every(
    (resource) =>
      !statements.some((s) => s.Effect === 'Deny' && matches(s, resource)) &&
      statements.some((s) => s.Effect === 'Allow' && matches(s, resource)),
  );
}

/**
 * Which of the deployment's resources an ARN is. CloudFormation names what it makes
 * `<stack>-<logical id>-<suffix>`, so a queue's name says which of the template's queues it is.
 */
export function resourceKind(arn: string): AwsResource {
  if (/^arn:aws:cognito-idp:[\w-]+:\d{12}:userpool\/[\w-]+_\w+$/.test(arn)) return 'userPool';
  if (/^arn:aws:ses:[\w-]+:\d{12}:(identity|configuration-set)\/.+$/.test(arn)) return 'mail';
  if (/^arn:aws:sqs:[\w-]+:\d{12}:.*DeadLetter.*$/i.test(arn)) return 'deadLetterQueue';
  if (/^arn:aws:sqs:[\w-]+:\d{12}:.*Jobs.*$/i.test(arn)) return 'jobsQueue';
  if (/^arn:aws:dynamodb:[\w-]+:\d{12}:table\/.+$/.test(arn)) return 'coordinationTable';
  if (/^arn:aws:events:[\w-]+:\d{12}:event-bus\/.+$/.test(arn)) return 'eventBus';
  throw new Error(`a resource the deployment does not have: ${arn}`);
}

/** The actions the statements allow, by resource of the deployment, each list sorted. */
export function grantsByResource(statements: PolicyStatement[]): Partial<Record<AwsResource, string[]>> {
  const grants: Partial<Record<AwsResource, Set<string>>> = {};
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') throw new Error(`a Deny statement: ${JSON.stringify(statement)}`);
    for (const resource of list(statement.Resource)) {
      const kind = resourceKind(resource);
      for (const action of list(statement.Action)) (grants[kind] ??= new Set()).add(action);
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([kind, actions]) => [kind, [...actions].sort()]));
}

/** The same shape from the list in src/, sorted for comparison. */
export function sortedGrants(
  grants: Partial<Record<AwsResource, readonly string[]>>,
): Partial<Record<AwsResource, string[]>> {
  return Object.fromEntries(Object.entries(grants).map(([kind, actions]) => [kind, [...actions].sort()]));
}
