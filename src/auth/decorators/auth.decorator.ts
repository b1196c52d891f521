import { applyDecorators, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthScheme } from '../auth-schemes';
import { AuthenticationGuard } from '../guards/authentication.guard';
import { RolesGuard } from '../guards/roles.guard';
import { ScopesGuard } from '../guards/scopes.guard';

export const AuthSchemesMetadata = Reflector.createDecorator<AuthScheme[]>();

/**
 * Guards a controller or a route: the request must present one valid credential of one of the
 * named schemes, else 401 with a `WWW-Authenticate` challenge per scheme. Also applies
 * `@Roles`/`@Scopes` checks (403) and documents the security in OpenAPI. On a method it
 * replaces the class's schemes.
 *
 * @example `@Get('reports') @Auth('jwt', 'api-key') list(@CurrentUser() user: AuthenticatedUser) {…}`
 */
export function Auth(...schemes: [AuthScheme, ...AuthScheme[]]) {
  return applyDecorators(
    AuthSchemesMetadata(schemes),
    UseGuards(AuthenticationGuard, RolesGuard, ScopesGuard),
    ...schemes.map((scheme) => ApiSecurity(scheme)),
    ApiUnauthorizedResponse({
      description: 'No credential, or an invalid one',
    }),
    ApiForbiddenResponse({ description: 'Authenticated, but not allowed' }),
  );
}
