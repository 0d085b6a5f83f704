import type { ArgumentMetadata, ExecutionContext, PipeTransform, Type } from '@nestjs/common';
// Nest's own entry for its sibling packages, not its public API: this file is the only one that reads
// it, and route-arguments.spec.ts fails if Nest changes how it keeps a handler's arguments.
import { ROUTE_ARGS_METADATA, RouteParamtypes } from '@nestjs/common/internal';

/** The parts of a request a handler's @Body(), @Query() and @Param() read. */
interface RequestParts {
  body?: unknown;
  query?: unknown;
  params?: unknown;
}

interface Argument {
  metadata: ArgumentMetadata;
  read(request: RequestParts): unknown;
}

const READERS: Partial<Record<RouteParamtypes, [ArgumentMetadata['type'], keyof RequestParts]>> = {
  [RouteParamtypes.BODY]: ['body', 'body'],
  [RouteParamtypes.QUERY]: ['query', 'query'],
  [RouteParamtypes.PARAM]: ['param', 'params'],
};

/**
 * A route's body, query and path arguments put through a pipe ahead of the pipes' own turn, exactly
 * as the handler's parameters declare them (their DTO classes, from Nest's route metadata): for a
 * guard that must refuse a malformed request before doing anything costly. Nothing is changed; the
 * pipes run again when Nest calls the handler.
 *
 * Nest offers no public way to read a handler's declared arguments, so this reads its route metadata
 * (an internal). Kept because the alternative costs far more: without it a malformed request to a
 * write route is refused only after a Cognito GetUser (bench/README.md, "Framework internals").
 */
export class RouteArguments {
  private readonly routes = new WeakMap<object, Argument[]>();

  constructor(private readonly pipe: PipeTransform) {}

  async validate(context: ExecutionContext): Promise<void> {
    const request = context.switchToHttp().getRequest<RequestParts>();
    for (const argument of this.argumentsOf(context)) {
      await this.pipe.transform(argument.read(request), argument.metadata);
    }
  }

  private argumentsOf(context: ExecutionContext): Argument[] {
    const handler = context.getHandler();
    let found = this.routes.get(handler);
    if (!found) {
      found = declaredArguments(context.getClass(), handler.name);
      this.routes.set(handler, found);
    }
    return found;
  }
}

/** Nest keeps a handler's arguments as `{ "<RouteParamtypes>:<index>": { index, data } }` on its controller. */
function declaredArguments(controller: Type, method: string): Argument[] {
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
    string,
    { index: number; data?: string }
  >;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, method) ??
    []) as ArgumentMetadata['metatype'][];
  return Object.entries(declared).flatMap(([key, { index, data }]) => {
    const reader = READERS[Number(key.split(':', 1)[0]) as RouteParamtypes];
    if (!reader) return [];
    const [type, part] = reader;
    const read = (request: RequestParts): unknown => {
      const value = request[part] as Record<string, unknown> | undefined;
      return data === undefined ? value : value?.[data];
    };
    return [{ metadata: { type, metatype: types[index], data }, read }];
  });
}
