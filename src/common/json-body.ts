import { BadRequestException } from '@nestjs/common';

/** Our bodies are flat objects of a few fields; these bounds leave room and stop abuse early. */
export const JSON_BODY_LIMITS = { depth: 8, keys: 100 } as const;

/**
 * Parses a JSON body and refuses, with a plain 400, what no route of ours takes and what costs the
 * validator dearly: nesting deeper than the limit (class-transformer recurses, and a 10 kB body of
 * nested arrays overflows its stack), more keys and elements than the limit (every unknown key
 * becomes a validation message), and `__proto__` / `constructor` keys (prototype poisoning). The
 * walk is iterative, so the check itself cannot overflow.
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestException('The request body is not valid JSON');
  }
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  let entries = 0;
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > JSON_BODY_LIMITS.depth) {
      throw new BadRequestException(
        `The request body is nested too deeply (at most ${JSON_BODY_LIMITS.depth} levels)`,
      );
    }
    const keys = Object.keys(node);
    entries += keys.length;
    if (entries > JSON_BODY_LIMITS.keys) {
      throw new BadRequestException(
        `The request body has too many fields (at most ${JSON_BODY_LIMITS.keys})`,
      );
    }
    for (const key of keys) {
      if (key === '__proto__' || key === 'constructor') {
        throw new BadRequestException('The request body has a forbidden field name');
      }
      pending.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return value;
}
