import { type ExecutionContext, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../../users/user.entity';
import { AllowClients } from '../decorators/allow-clients.decorator';
import { Roles } from '../decorators/roles.decorator';
import { RolesGuard } from './roles.guard';

@Roles('admin')
class AdminRoutes {
  list() {}
  @Roles('user') mine() {}
}

class OpenRoutes {
  any() {}
  @AllowClients() forClients() {}
}

@AllowClients()
class ClientRoutes {
  any() {}
}

function contextFor(
  target: { prototype: object },
  handler: string,
  roles: Role[],
  kind: 'user' | 'client' = 'user',
): ExecutionContext {
  return {
    getHandler: () => (target.prototype as Record<string, () => void>)[handler],
    getClass: () => target,
    switchToHttp: () => ({
      getRequest: () => ({ user: { id: 'gh_client', roles, kind } }),
    }),
  } as unknown as ExecutionContext;
}

describe(RolesGuard.name, () => {
  const guard = new RolesGuard(new Reflector());

  it('answers 403 to a caller without the role the class names', () => {
    expect(() =>
      guard.canActivate(contextFor(AdminRoutes, 'list', ['user'])),
    ).toThrow(ForbiddenException);
  });

  it('lets an admin through every role check', () => {
    expect(
      guard.canActivate(contextFor(AdminRoutes, 'list', ['user', 'admin'])),
    ).toBe(true);
  });

  it("lets a method's roles replace the class's", () => {
    expect(guard.canActivate(contextFor(AdminRoutes, 'mine', ['user']))).toBe(
      true,
    );
  });

  it('passes routes that name no role', () => {
    expect(guard.canActivate(contextFor(OpenRoutes, 'any', []))).toBe(true);
  });

  it('answers 403 naming the client to a client principal on a route for users', () => {
    const refuse = () =>
      guard.canActivate(contextFor(OpenRoutes, 'any', [], 'client'));
    expect(refuse).toThrow(ForbiddenException);
    expect(refuse).toThrow(
      "This route acts for a user; a client-credentials token acts for the client 'gh_client'",
    );
  });

  it('lets a client principal through @AllowClients() on the method or the class', () => {
    expect(
      guard.canActivate(contextFor(OpenRoutes, 'forClients', [], 'client')),
    ).toBe(true);
    expect(
      guard.canActivate(contextFor(ClientRoutes, 'any', [], 'client')),
    ).toBe(true);
  });

  it('refuses a client principal on a route naming roles, before looking at them', () => {
    expect(() =>
      guard.canActivate(contextFor(AdminRoutes, 'list', ['admin'], 'client')),
    ).toThrow(/acts for the client/);
  });
});
