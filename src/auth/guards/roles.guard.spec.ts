import { type ExecutionContext, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../../users/user.entity';
import { Roles } from '../decorators/roles.decorator';
import { RolesGuard } from './roles.guard';

@Roles('admin')
class AdminRoutes {
  list() {}
  @Roles('user') mine() {}
}

class OpenRoutes {
  any() {}
}

function contextFor(
  target: { prototype: object },
  handler: string,
  roles: Role[],
): ExecutionContext {
  return {
    getHandler: () => (target.prototype as Record<string, () => void>)[handler],
    getClass: () => target,
    switchToHttp: () => ({ getRequest: () => ({ user: { roles } }) }),
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
});
