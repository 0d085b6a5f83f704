import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';

/** deploy/template.yaml, read as CloudFormation reads it, and evaluated as it evaluates it. */
export const TEMPLATE_PATH = join(__dirname, '..', '..', 'deploy', 'template.yaml');

const INTRINSICS = ['Ref', 'Condition', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join'];
const longName = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

/** CloudFormation's short forms, read as their long forms (`!Ref X` → `{ Ref: X }`, `!GetAtt A.B` → `[A, B]`). */
const CLOUDFORMATION_TAGS: Tags = INTRINSICS.flatMap((name) => [
  {
    tag: `!${name}`,
    resolve: (value: string) => ({ [longName(name)]: name === 'GetAtt' ? value.split('.') : value }),
  },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => ({ [longName(name)]: seq.toJSON() }),
  },
]);

export interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

export interface Template {
  Parameters: Record<string, { Type: string; Default?: unknown; Description?: string }>;
  Conditions?: Record<string, unknown>;
  Globals: { Function: Record<string, unknown> & { Environment?: { Variables: Record<string, unknown> } } };
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

export function readTemplate(text = readFileSync(TEMPLATE_PATH, 'utf8')): Template {
  return parse(text, { customTags: CLOUDFORMATION_TAGS }) as Template;
}

/** The functions of the template by logical id. */
export function functionsOf(template: Template): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function');
}

/** What a stack's resources turned out to be: their `Ref` and their `Fn::GetAtt` attributes. */
export interface PhysicalResource {
  ref: string;
  attributes?: Record<string, string>;
}

export interface Stack {
  /** The operator's parameter values; a parameter without one takes its default, or fails. */
  parameters: Record<string, string>;
  region: string;
  accountId: string;
  physical: Record<string, PhysicalResource>;
}

const NO_VALUE = Symbol('AWS::NoValue');
type Json = unknown;

/**
 * Evaluates a template fragment for one stack: parameters, pseudo parameters, conditions, `Ref`,
 * `Fn::GetAtt`, `Fn::Sub`, `Fn::If`, `Fn::Join`; `AWS::NoValue` removes the key or list item.
 */
export class StackEvaluator {
  private readonly parameters: Record<string, string>;

  constructor(
    readonly template: Template,
    private readonly stack: Stack,
  ) {
    this.parameters = {};
    for (const [name, parameter] of Object.entries(template.Parameters)) {
      const value = stack.parameters[name] ?? parameter.Default;
      if (value === undefined) throw new Error(`parameter ${name} has no value and no default`);
      this.parameters[name] = String(value);
    }
    const unknown = Object.keys(stack.parameters).filter((name) => !(name in template.Parameters));
    if (unknown.length > 0) throw new Error(`unknown parameters: ${unknown.join(', ')}`);
  }

  /** The stack's resources made so far. */
  get physicalResources(): Readonly<Record<string, PhysicalResource>> {
    return this.stack.physical;
  }

  /** Whether the template's condition holds for this stack. */
  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`unknown condition ${name}`);
    return this.evaluate(definition) === true;
  }

  /** Whether the resource is made in this stack (its `Condition`, if any, holds). */
  exists(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  evaluate(value: Json): Json {
    const result = this.walk(value);
    return result === NO_VALUE ? undefined : result;
  }

  private walk(value: Json): unknown {
    if (Array.isArray(value)) return value.map((v) => this.walk(v)).filter((v) => v !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, Json];
      const intrinsic = this.intrinsic(key, argument);
      if (intrinsic !== undefined) return intrinsic;
    }
    const out: Record<string, Json> = {};
    for (const [key, v] of entries) {
      const resolved = this.walk(v);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(key: string, argument: Json): unknown {
    const list = () => argument as Json[];
    switch (key) {
      case 'Ref':
        return this.ref(String(argument));
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::GetAtt': {
        const [id, attribute] = (typeof argument === 'string' ? argument.split('.') : list()) as string[];
        return this.attribute(id ?? '', attribute ?? '');
      }
      case 'Fn::Sub':
        return String(argument).replace(/\$\{([\w:.]+)\}/g, (_, name: string) =>
          String(
            name.includes('.') ? this.attribute(...(name.split('.') as [string, string])) : this.ref(name),
          ),
        );
      case 'Fn::If':
        return this.walk(this.condition(String(list()[0])) ? list()[1] : list()[2]);
      case 'Fn::Equals':
        return this.walk(list()[0]) === this.walk(list()[1]);
      case 'Fn::Not':
        return !this.walk(list()[0]);
      case 'Fn::And':
        return list().every((c) => this.walk(c) === true);
      case 'Fn::Or':
        return list().some((c) => this.walk(c) === true);
      case 'Fn::Join':
        return (this.walk(list()[1]) as Json[]).join(String(list()[0]));
      default:
        return undefined;
    }
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Region':
        return this.stack.region;
      case 'AWS::AccountId':
        return this.stack.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
    }
    if (name in this.parameters) return this.parameters[name];
    const physical = this.stack.physical[name];
    if (!physical) throw new Error(`Ref ${name}: no such parameter or resource in this stack`);
    return physical.ref;
  }

  private attribute(logicalId: string, attribute: string): string {
    const value = this.stack.physical[logicalId]?.attributes?.[attribute];
    if (value === undefined) throw new Error(`Fn::GetAtt ${logicalId}.${attribute}: not in this stack`);
    return value;
  }

  /** A function's environment: the Globals' variables and its own, evaluated (AWS_REGION is Lambda's own). */
  environment(logicalId: string): Record<string, string> {
    const own = this.template.Resources[logicalId]?.Properties.Environment as
      { Variables?: Record<string, Json> } | undefined;
    const variables = {
      ...(this.template.Globals.Function.Environment?.Variables ?? {}),
      ...(own?.Variables ?? {}),
    };
    const evaluated = this.evaluate(variables) as Record<string, Json>;
    return Object.fromEntries(Object.entries(evaluated).map(([name, value]) => [name, String(value)]));
  }
}

/** A stack as docs/aws.md shows it: the operator's parameters and what CloudFormation named. */
export function exampleStack(parameters: Record<string, string> = {}): Stack {
  const arn = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:123456789012:${resource}`;
  const queue = (name: string) => ({
    ref: `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`,
    attributes: { Arn: arn('sqs', name) },
  });
  return {
    region: 'eu-west-1',
    accountId: '123456789012',
    parameters: {
      UserPoolId: 'eu-west-1_AbCdEf123',
      BackendClientId: 'backend',
      FrontendClientId: 'frontend',
      ActivationUrl: 'https://app.example.com/activate?u={username}&t={token}',
      EmailConfirmationUrl: 'https://app.example.com/confirm-email?u={username}&t={token}',
      PasswordResetUrl: 'https://app.example.com/reset-password?u={username}&t={token}',
      EmailRestoreUrl: 'https://app.example.com/restore-email?u={username}&t={token}',
      MailFrom: 'Example App <no-reply@example.com>',
      SesIdentity: 'example.com',
      SesConfigurationSet: 'accounts',
      EventBusName: 'accounts-events',
      ...parameters,
    },
    physical: {
      JobsQueue: queue('cognito-accounts-JobsQueue-AbC123'),
      JobsDeadLetterQueue: queue('cognito-accounts-JobsDeadLetterQueue-AbC123'),
      CoordinationTable: {
        ref: 'cognito-accounts-CoordinationTable-AbC123',
        attributes: { Arn: arn('dynamodb', 'table/cognito-accounts-CoordinationTable-AbC123') },
      },
    },
  };
}
