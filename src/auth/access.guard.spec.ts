import { Controller, ExecutionContext, Get, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, RateLimitedError } from '../common/errors';
import type { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { Access, type AccessRule } from './access.decorator';
import { AccessGuard } from './access.guard';
import type { AccessTokenCheck, AuthenticatedRequest } from './access-token.check';
import type { LiveTokenCheck } from './live-token.check';
import { RouteAccess } from './route-access';

@Access({ who: 'signed-in' })
@Controller('things')
class ThingsController {
  @Get()
  read(): void {}

  @Post()
  @Access({ who: 'signed-in', write: true, recentSignIn: true })
  write(): void {}

  @Get('open')
  @Access({ who: 'anyone' })
  open(): void {}

  @Get('admin')
  @Access({ who: 'admin' })
  admin(): void {}
}

@Controller('forgotten')
class ForgottenController {
  @Get()
  undeclared(): void {}
}

type Handler = 'read' | 'write' | 'open' | 'admin';

function contextOf(controller: object, handler: () => void, request: object = {}): ExecutionContext {
  return {
    getClass: () => controller,
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const forgotten = () =>
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the handler as Nest hands it to guards
  contextOf(ForgottenController, ForgottenController.prototype.undeclared);

const thing = (handler: Handler, request?: object) =>
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the handler as Nest hands it to guards
  contextOf(ThingsController, ThingsController.prototype[handler], request);

/** AccessGuard over fake steps that record the order they ran in; `fail` makes one of them throw. */
function guardWith({ limited = false, fail }: { limited?: boolean; fail?: 'identify' | 'limits' } = {}) {
  const ran: string[] = [];
  const tokens = {
    identify: (request: AuthenticatedRequest, rule: AccessRule) => {
      ran.push(rule.admin ? 'identify admin' : 'identify');
      if (fail === 'identify') return Promise.reject(new ForbiddenError());
      request.principal = { sub: 's', username: 'u', groups: [], issuedAt: 0 };
      return Promise.resolve();
    },
  };
  const limits = {
    applies: () => limited,
    canActivate: () => {
      ran.push('limits');
      return fail === 'limits' ? Promise.reject(new RateLimitedError(1)) : Promise.resolve(true);
    },
  };
  const live = {
    confirm: () => {
      ran.push('ask Cognito');
      return Promise.resolve();
    },
  };
  const guard = new AccessGuard(
    new RouteAccess(new Reflector()),
    tokens as unknown as AccessTokenCheck,
    limits as unknown as RateLimitGuard,
    live as unknown as LiveTokenCheck,
  );
  return { guard, ran };
}

describe('@Access(): one rule per route', () => {
  const rules = new RouteAccess(new Reflector());

  it.each([
    ['read', { token: true, recentSignIn: false, admin: false, askCognito: false }],
    ['write', { token: true, recentSignIn: true, admin: false, askCognito: true }],
    ['open', { token: false, recentSignIn: false, admin: false, askCognito: false }],
    // An admin's powers end with the admin's sessions: every admin route asks Cognito, reads too.
    ['admin', { token: true, recentSignIn: true, admin: true, askCognito: true }],
  ] as const)('%s: the handler’s own rule replaces the controller’s whole', (handler, rule) => {
    expect(rules.of(thing(handler))).toEqual(rule);
  });

  it('a route that declares no rule has none', () => {
    expect(rules.of(forgotten())).toBeUndefined();
  });
});

describe('AccessGuard: the checks of a rule, in one order', () => {
  it('closes a route without @Access() to every caller, before any check', () => {
    const { guard, ran } = guardWith();
    expect(() => guard.canActivate(forgotten())).toThrow(
      'ForgottenController.undeclared declares no @Access() rule',
    );
    expect(ran).toEqual([]);
  });

  it('lets anyone through an open route without limits at once, with no promise to await', () => {
    const { guard, ran } = guardWith();
    expect(guard.canActivate(thing('open'))).toBe(true);
    expect(ran).toEqual([]);
  });

  it('counts an open route’s requests when it has limits, without asking for a token', async () => {
    const { guard, ran } = guardWith({ limited: true });
    await expect(guard.canActivate(thing('open'))).resolves.toBe(true);
    expect(ran).toEqual(['limits']);
  });

  it('checks the token before the limits, so per-user limits know the user', async () => {
    const request: AuthenticatedRequest = { headers: {} };
    const { guard, ran } = guardWith({ limited: true });
    await expect(guard.canActivate(thing('read', request))).resolves.toBe(true);
    expect(ran).toEqual(['identify', 'limits']);
    expect(request.principal?.sub).toBe('s');
  });

  it.each(['write', 'admin'] as const)('asks Cognito last on a %s route', async (handler) => {
    const { guard, ran } = guardWith({ limited: true });
    await expect(guard.canActivate(thing(handler))).resolves.toBe(true);
    expect(ran).toEqual([handler === 'admin' ? 'identify admin' : 'identify', 'limits', 'ask Cognito']);
  });

  it('stops at a refused token: no count, no Cognito call', async () => {
    const { guard, ran } = guardWith({ limited: true, fail: 'identify' });
    await expect(guard.canActivate(thing('admin'))).rejects.toBeInstanceOf(ForbiddenError);
    expect(ran).toEqual(['identify admin']);
  });

  it('stops at a spent limit: no Cognito call', async () => {
    const { guard, ran } = guardWith({ limited: true, fail: 'limits' });
    await expect(guard.canActivate(thing('write'))).rejects.toBeInstanceOf(RateLimitedError);
    expect(ran).toEqual(['identify', 'limits']);
  });
});
