import { Reflector } from '@nestjs/core';
import type { Role } from '../../users/user.entity';

export const RolesMetadata = Reflector.createDecorator<Role[]>();

/**
 * The roles a route needs, any one of them (`admin` passes every check). Use it with `@Auth`,
 * which installs the `RolesGuard` that answers 403 to an authenticated caller without them.
 *
 * @example `@Get() @Auth('jwt') @Roles('admin') list() {…}`
 */
export const Roles = (...roles: [Role, ...Role[]]) => RolesMetadata(roles);
