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
import { AllowClientsMetadata } from '../decorators/allow-clients.decorator';
import { RolesMetadata } from '../decorators/roles.decorator';

/**
 * 403 for an authenticated caller the route is not for: an OAuth client acting for itself
 * where the route acts for a user (every route without `@AllowClients()`), or a user lacking
 * every role the route names (`admin` has them all).
 */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly roles: RouteMetadata<Role[]>;
  private readonly clientsAllowed: RouteMetadata<true>;

  constructor(reflector: Reflector) {
    this.roles = new RouteMetadata(reflector, RolesMetadata);
    this.clientsAllowed = new RouteMetadata(reflector, AllowClientsMetadata);
  }

  canActivate(context: ExecutionContext): boolean {
    const user = context
      .switchToHttp()
      .getRequest<{ user?: AuthenticatedUser }>().user;
    if (user?.kind === 'client' && this.clientsAllowed.of(context) !== true) {
      throw new ForbiddenException(
        `This route acts for a user; a client-credentials token acts for the client '${user.id}'`,
      );
    }
    const required = this.roles.of(context);
    if (!required || required.length === 0) {
      return true;
    }
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
