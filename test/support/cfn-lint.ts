import { createRequire } from 'node:module';
import { expandSam } from './sam-expand';
import type { Template } from './template';

/**
 * Lints deploy/template.yaml as CloudFormation will read it. AWS's own cfn-lint is a Python package
 * and only the npm registry is reachable where this runs; the npm `cfn-lint` (a different project)
 * cannot read SAM resources (it refuses an SQS event's `FunctionResponseTypes` and inline policy
 * documents), so the SAM functions are expanded first (sam-expand.ts) and the npm validator checks
 * the plain CloudFormation against the resource specification it ships: every resource type and
 * property, required properties, value types, and every `Ref` / `Fn::GetAtt` / `Fn::Sub` target.
 *
 * Its specification is of 2019; the properties CloudFormation added since that the expanded
 * template uses are added to it here, each as the CloudFormation User Guide documents it.
 */
const ADDED_SINCE_2019 = {
  ResourceTypes: {
    'AWS::Lambda::Function': {
      Properties: {
        // aws-resource-lambda-function.html#cfn-lambda-function-architectures
        Architectures: { PrimitiveItemType: 'String', Type: 'List', Required: false, UpdateType: 'Mutable' },
      },
    },
    'AWS::Lambda::EventSourceMapping': {
      Properties: {
        // aws-resource-lambda-eventsourcemapping.html#cfn-lambda-eventsourcemapping-maximumbatchingwindowinseconds
        MaximumBatchingWindowInSeconds: { PrimitiveType: 'Integer', Required: false, UpdateType: 'Mutable' },
        // aws-resource-lambda-eventsourcemapping.html#cfn-lambda-eventsourcemapping-functionresponsetypes
        FunctionResponseTypes: {
          PrimitiveItemType: 'String',
          Type: 'List',
          Required: false,
          UpdateType: 'Mutable',
        },
      },
    },
    'AWS::ApiGatewayV2::Api': {
      Properties: {
        // aws-resource-apigatewayv2-api.html#cfn-apigatewayv2-api-routeselectionexpression: WebSocket APIs only
        RouteSelectionExpression: { Required: false },
      },
    },
    'AWS::ApiGatewayV2::Integration': {
      Properties: {
        // aws-resource-apigatewayv2-integration.html#cfn-apigatewayv2-integration-payloadformatversion
        PayloadFormatVersion: { PrimitiveType: 'String', Required: false, UpdateType: 'Mutable' },
      },
    },
    'AWS::ApiGatewayV2::Stage': {
      Properties: {
        // aws-resource-apigatewayv2-stage.html#cfn-apigatewayv2-stage-autodeploy
        AutoDeploy: { PrimitiveType: 'Boolean', Required: false, UpdateType: 'Mutable' },
        // aws-resource-apigatewayv2-stage.html#cfn-apigatewayv2-stage-deploymentid: not with AutoDeploy
        DeploymentId: { Required: false },
      },
    },
  },
};

interface Finding {
  message: string;
  resource: string;
}

interface Validator {
  resetValidator(): void;
  validateJsonObject(template: object): {
    templateValid: boolean;
    errors: { crit: Finding[]; warn: Finding[] };
  };
}

interface Specification {
  extendSpecification(spec: object): void;
}

const load = createRequire(__filename);
let extended = false;

/**
 * The template's problems (empty: it is valid), as `Resources > X > Properties > Y: message` lines,
 * for every combination of its conditions.
 */
export function lintTemplate(template: Template): string[] {
  let expanded: Json;
  try {
    expanded = expandSam(template);
  } catch (error) {
    return [`SAM: ${(error as Error).message}`];
  }
  const conditions = Object.keys(expanded.Conditions ?? {});
  const problems = new Set<string>();
  for (let combination = 0; combination < 2 ** conditions.length; combination++) {
    const holds = new Map(conditions.map((name, i) => [name, ((combination >> i) & 1) === 1]));
    for (const problem of validate(specialize(expanded, holds))) problems.add(problem);
  }
  return [...problems];
}

type Json = Record<string, unknown>;

/**
 * The template as CloudFormation makes it when each condition is as given: a resource or output
 * whose condition does not hold is left out, every `Fn::If` is its branch. The validator evaluates
 * conditions itself, but wrongly (with a `Conditions` section it stops resolving every `Ref`), and
 * this way each combination is checked whole: a `Ref` to a resource that may be absent fails.
 */
function specialize(template: Json, holds: Map<string, boolean>): Json {
  const keep = (entry: unknown) => {
    const condition = (entry as { Condition?: string }).Condition;
    return condition === undefined || holds.get(condition) === true;
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk).filter((item) => item !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first?.[0] === 'Fn::If') {
      const [name, yes, no] = first[1] as [string, unknown, unknown];
      if (!holds.has(name)) return value;
      return walk(holds.get(name) ? yes : no);
    }
    if (entries.length === 1 && first?.[0] === 'Ref' && first[1] === 'AWS::NoValue') return NO_VALUE;
    const out: Json = {};
    for (const [key, v] of entries) {
      const walked = walk(v);
      if (walked !== NO_VALUE) out[key] = walked;
    }
    return out;
  };
  const section = (name: string) =>
    Object.fromEntries(Object.entries((template[name] ?? {}) as Json).filter(([, entry]) => keep(entry)));
  const { Conditions, ...rest } = template;
  void Conditions;
  const specialized = walk({ ...rest, Resources: section('Resources'), Outputs: section('Outputs') }) as Json;
  for (const entries of [specialized.Resources, specialized.Outputs] as Json[]) {
    for (const entry of Object.values(entries)) delete (entry as Json).Condition;
  }
  return specialized;
}

const NO_VALUE = Symbol('AWS::NoValue');

function validate(template: Json): string[] {
  // The validator calls util.isUndefined, which Node 23 removed (DEP0051): given back as it was.
  const util = load('node:util') as { isUndefined?: (value: unknown) => boolean };
  util.isUndefined ??= (value) => value === undefined;
  const validator = load('cfn-lint/lib/validator') as Validator;
  if (!extended) {
    (load('cfn-lint/lib/resourcesSpec') as Specification).extendSpecification(ADDED_SINCE_2019);
    extended = true;
  }
  validator.resetValidator();
  const { errors } = validator.validateJsonObject(template);
  return [...errors.crit, ...errors.warn].map(({ resource, message }) => `${resource}: ${message}`);
}
