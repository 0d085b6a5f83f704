import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * The official Cognito user pools API model (the one botocore ships, as the AWS SDKs are generated
 * from it) and Cognito's request validation over it: what real Cognito refuses with
 * `InvalidParameterException` before looking at the pool, and moto does not check at all.
 */

interface Member {
  shape: string;
}

export interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, Member>;
  member?: Member;
  key?: Member;
  value?: Member;
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: string;
  sensitive?: boolean;
}

export interface ServiceModel {
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

const MODEL_FILE = join('data', 'cognito-idp', '2016-04-18', 'service-2.json.gz');
const BOTOCORE_DIR = 'import botocore, os; print(os.path.dirname(botocore.__file__))';

let cached: ServiceModel | undefined;

/**
 * Reads the model from the botocore of `python`: give it the interpreter that runs moto (moto depends
 * on botocore, so it has one). Read once per process.
 */
export function loadCognitoModel(python = process.env.MOTO_PYTHON || 'python3'): ServiceModel {
  if (cached) return cached;
  const dir = execFileSync(python, ['-c', BOTOCORE_DIR], { encoding: 'utf8' }).trim();
  cached = JSON.parse(gunzipSync(readFileSync(join(dir, MODEL_FILE))).toString('utf8')) as ServiceModel;
  return cached;
}

const patterns = new Map<string, RegExp | null>();

/**
 * The model's patterns are Java regular expressions. As in Smithy's `@pattern`, they are not
 * anchored (a match anywhere satisfies them; the models anchor with ^ and $ where they mean to).
 * `\p{L}` and friends work in JavaScript with the `u` flag; an inline `(?s)` becomes the `s` flag.
 * A pattern JavaScript cannot compile is not checked.
 */
function compiled(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re === undefined) {
    const dotAll = pattern.startsWith('(?s)');
    try {
      re = new RegExp(dotAll ? pattern.slice(4) : pattern, dotAll ? 'us' : 'u');
    } catch {
      re = null;
    }
    patterns.set(pattern, re);
  }
  return re;
}

/** Cognito's member paths: camelCase names, list items as `.N.member` counted from 1. */
const camel = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
const at = (path: string, name: string) => (path ? `${path}.${name}` : name);

function display(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(display).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${display(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * Validates requests against the model and words each violation as Cognito does
 * (`Value 'x' at 'filter' failed to satisfy constraint: Member must have length less than or equal to 256`).
 */
export class CognitoModelValidator {
  private readonly model: ServiceModel;
  private readonly sensitive = new Map<string, boolean>();

  constructor(model: ServiceModel) {
    this.model = model;
  }

  /** Whether the operation exists in the model. */
  knows(operation: string): boolean {
    return operation in this.model.operations;
  }

  /** Every violation in the input of `operation`, in Cognito's words; empty when it is valid. */
  violations(operation: string, input: unknown): string[] {
    const shape = this.model.operations[operation]?.input?.shape;
    if (!shape) return [];
    const out: string[] = [];
    this.check(shape, input, '', false, out);
    return out;
  }

  /** The message of Cognito's `InvalidParameterException` for these violations. */
  static message(violations: string[]): string {
    const n = violations.length;
    return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
  }

  /**
   * Whether a shape holds sensitive data anywhere inside. Cognito leaves the value out of the message
   * for those (`Value at 'userAttributes.1.member.name'`, since AttributeType carries a sensitive
   * value) and shows it otherwise (`Value 'x' at 'filter'`): an approximation of its redaction.
   */
  private containsSensitive(name: string, seen = new Set<string>()): boolean {
    const known = this.sensitive.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return false;
    seen.add(name);
    const shape = this.model.shapes[name];
    const inner = [
      ...Object.values(shape.members ?? {}),
      ...[shape.member, shape.key, shape.value].filter((m): m is Member => !!m),
    ];
    const result = !!shape.sensitive || inner.some((m) => this.containsSensitive(m.shape, seen));
    this.sensitive.set(name, result);
    return result;
  }

  private check(name: string, value: unknown, path: string, redact: boolean, out: string[]): void {
    const shape = this.model.shapes[name];
    const hide = redact || this.containsSensitive(name);
    const fail = (constraint: string) =>
      out.push(
        `Value ${hide ? '' : `'${display(value)}' `}at '${path}' failed to satisfy constraint: ${constraint}`,
      );
    switch (shape.type) {
      case 'structure': {
        if (!value || typeof value !== 'object') return;
        const record = value as Record<string, unknown>;
        // Inside a nested structure that holds something sensitive, no member's value is shown.
        const redactMembers = redact || (path !== '' && this.containsSensitive(name));
        for (const required of shape.required ?? []) {
          if (record[required] === undefined || record[required] === null) {
            out.push(
              `Value null at '${at(path, camel(required))}' failed to satisfy constraint: Member must not be null`,
            );
          }
        }
        for (const [member, ref] of Object.entries(shape.members ?? {})) {
          const v = record[member];
          if (v !== undefined && v !== null)
            this.check(ref.shape, v, at(path, camel(member)), redactMembers, out);
        }
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) return;
        this.lengths(shape, value.length, fail);
        value.forEach((item, i) => {
          if (shape.member) this.check(shape.member.shape, item, `${path}.${i + 1}.member`, redact, out);
        });
        return;
      }
      case 'map': {
        if (!value || typeof value !== 'object') return;
        const entries = Object.entries(value);
        this.lengths(shape, entries.length, fail);
        for (const [part, ref, pick] of [
          ['keys', shape.key, 0],
          ['value', shape.value, 1],
        ] as const) {
          if (!ref) continue;
          const inner: string[] = [];
          for (const entry of entries) this.check(ref.shape, entry[pick], path, true, inner);
          const constraints = [
            ...new Set(inner.map((m) => m.replace(/^.*failed to satisfy constraint: /, ''))),
          ];
          if (constraints.length > 0)
            fail(`Map ${part} must satisfy constraint: [${constraints.join(', ')}]`);
        }
        return;
      }
      case 'string': {
        if (typeof value !== 'string') return;
        if (shape.enum && !shape.enum.includes(value)) {
          fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
        }
        const re = shape.pattern === undefined ? null : compiled(shape.pattern);
        if (re && !re.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
        this.lengths(shape, value.length, fail);
        return;
      }
      case 'integer':
      case 'long': {
        if (typeof value !== 'number') return;
        if (shape.max !== undefined && value > shape.max) {
          fail(`Member must have value less than or equal to ${shape.max}`);
        }
        if (shape.min !== undefined && value < shape.min) {
          fail(`Member must have value greater than or equal to ${shape.min}`);
        }
        return;
      }
      default:
        return;
    }
  }

  private lengths(shape: Shape, length: number, fail: (constraint: string) => void): void {
    if (shape.max !== undefined && length > shape.max) {
      fail(`Member must have length less than or equal to ${shape.max}`);
    }
    if (shape.min !== undefined && length < shape.min) {
      fail(`Member must have length greater than or equal to ${shape.min}`);
    }
  }
}
