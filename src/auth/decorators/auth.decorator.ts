import { applyDecorators, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../../common/http/error.response';
import { TOO_MANY_REQUESTS_RESPONSE } from '../../rate-limit/rate-limit.decorator';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard';
import type { AuthScheme } from '../auth-schemes';
import { AuthenticationGuard } from '../guards/authentication.guard';
import { RolesGuard } from '../guards/roles.guard';
import { ScopesGuard } from '../guards/scopes.guard';
import { UsageGuard } from '../../usage/usage.guard';

export const AuthSchemesMetadata = Reflector.createDecorator<AuthScheme[]>();

/**
 * Guards a controller or a route: the request must present one valid credential of one of the
 * named schemes, else 401 with a `WWW-Authenticate` challenge per scheme. Also applies
 * `@Roles`/`@Scopes` checks (403) and documents the security in OpenAPI. On a method it
 * replaces the class's schemes. Requests are rate limited per API key or user (429), counted
 * right after authentication: refusals by role or scope count too, as they cost the same. A
 * request that passes every check is counted in the caller's usage (UsageGuard).
 *
 * @example `@Get('reports') @Auth('jwt', 'api-key') list(@CurrentUser() user: AuthenticatedUser) {…}`
 */
export function Auth(...schemes: [AuthScheme, ...AuthScheme[]]) {
  return applyDecorators(
    AuthSchemesMetadata(schemes),
    UseGuards(
      AuthenticationGuard,
      RateLimitGuard,
      RolesGuard,
      ScopesGuard,
      UsageGuard,
    ),
    ...schemes.map((scheme) => ApiSecurity(scheme)),
    ApiUnauthorizedResponse({
      type: ErrorResponse,
      description:
        'No credential, an invalid one, or one of a scheme the route does not accept; the message says what to send',
    }),
    ApiForbiddenResponse({
      type: ErrorResponse,
      description: 'Authenticated, but not allowed',
    }),
    ApiTooManyRequestsResponse(TOO_MANY_REQUESTS_RESPONSE),
  );
}
