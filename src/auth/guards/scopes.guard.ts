import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteMetadata } from '../../common/routing/route-metadata';
import type { AuthenticatedUser } from '../authenticated-user';
import { ScopesMetadata } from '../decorators/scopes.decorator';
import { hasScopes } from '../scopes';

/** 403 for a credential limited to scopes that do not cover every scope the route names. */
@Injectable()
export class ScopesGuard implements CanActivate {
  private readonly scopes: RouteMetadata<string[]>;

  constructor(reflector: Reflector) {
    this.scopes = new RouteMetadata(reflector, ScopesMetadata);
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.scopes.of(context);
    if (!required || required.length === 0) {
      return true;
    }
    const user = context
      .switchToHttp()
      .getRequest<{ user?: AuthenticatedUser }>().user;
    if (user && hasScopes(user.scopes, required)) {
      return true;
    }
    const missing = required.filter((scope) => !user?.scopes?.includes(scope));
    throw new ForbiddenException(
      `This credential lacks the scope ${missing.join(', ')}`,
    );
  }
}
