import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from './access.decorator';

/**
 * Each route's @Access() rule, read once per handler: metadata is fixed at boot, and reflector
 * look-ups on every request were a measurable share of a cheap route's CPU. Undefined for a route
 * that declares none.
 */
@Injectable()
export class RouteAccess {
  private readonly routes = new WeakMap<object, AccessRule | null>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): AccessRule | undefined {
    const handler = context.getHandler();
    let rule = this.routes.get(handler);
    if (rule === undefined) {
      rule =
        this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
          handler,
          context.getClass(),
        ]) ?? null;
      this.routes.set(handler, rule);
    }
    return rule ?? undefined;
  }
}
