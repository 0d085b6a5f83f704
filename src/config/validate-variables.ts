import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => {
    // A rule between variables (`rule:` constraints) says more than "is required" when it fails.
    const rules = Object.entries(error.constraints ?? {}).filter(([name]) => name.startsWith('rule:'));
    if (error.value === undefined && rules.length === 0) return [`${error.property} is required`];
    return Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    );
  });
}

/** Validates `raw` against an environment schema class; shared by the service and `npm run provision`. */
export function validateVariables<T extends object>(
  schema: ClassConstructor<T>,
  raw: Record<string, unknown>,
): T {
  // A variable set to the empty string (`PORT=` in a unit or compose file) counts as unset.
  const given = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const env = plainToInstance(schema, given, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new Error(
      `Invalid configuration:\n${describe(errors)
        .map((line) => `  - ${line}`)
        .join('\n')}`,
    );
  }
  return env;
}
