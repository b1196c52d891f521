import {
  createParamDecorator,
  type ExecutionContext,
  InternalServerErrorException,
} from '@nestjs/common';
import type { AuthenticatedUser } from '../authenticated-user';

/**
 * The `AuthenticatedUser` of the request. Only meaningful behind `@Auth(...)`: without it there
 * is no user, which is a wiring bug, so it throws rather than hand a handler `undefined`.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context
      .switchToHttp()
      .getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user) {
      throw new InternalServerErrorException(
        '@CurrentUser() used on a route without @Auth()',
      );
    }
    return user;
  },
);
