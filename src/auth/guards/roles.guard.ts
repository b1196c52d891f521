import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteMetadata } from '../../common/routing/route-metadata';
import type { AuthenticatedUser } from '../authenticated-user';
import type { Role } from '../../users/user.entity';
import { RolesMetadata } from '../decorators/roles.decorator';

/** 403 for an authenticated caller that lacks every role the route names; `admin` has them all. */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly roles: RouteMetadata<Role[]>;

  constructor(reflector: Reflector) {
    this.roles = new RouteMetadata(reflector, RolesMetadata);
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.roles.of(context);
    if (!required || required.length === 0) {
      return true;
    }
    const user = context
      .switchToHttp()
      .getRequest<{ user?: AuthenticatedUser }>().user;
    const roles = user?.roles ?? [];
    if (
      roles.includes('admin') ||
      required.some((role) => roles.includes(role))
    ) {
      return true;
    }
    throw new ForbiddenException(
      `This route needs the role ${required.join(' or ')}`,
    );
  }
}
