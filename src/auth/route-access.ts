import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_NEEDS, type AccessNeeds } from './access.decorators';
import { IS_PUBLIC } from './public.decorator';

/** What a route asks of its caller: nothing (@Public), a valid token, or more (@WriteAccess). */
export interface RouteAccessPolicy {
  isPublic: boolean;
  needs?: AccessNeeds;
}

/**
 * Each route's @Public() and @WriteAccess() metadata, read once per handler and shared by the access
 * guards: metadata is fixed at boot, and reflector look-ups on every request were a measurable share
 * of a cheap route's CPU.
 */
@Injectable()
export class RouteAccess {
  private readonly routes = new WeakMap<object, RouteAccessPolicy>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): RouteAccessPolicy {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true,
        needs: this.reflector.getAllAndOverride<AccessNeeds | undefined>(ACCESS_NEEDS, targets),
      };
      this.routes.set(handler, route);
    }
    return route;
  }
}
