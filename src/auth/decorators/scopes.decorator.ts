import { Reflector } from '@nestjs/core';

export const ScopesMetadata = Reflector.createDecorator<string[]>();

/**
 * The scopes a route needs, all of them, of a credential that is limited to some (an API key,
 * or a token with a narrower `scope`). A password, a session or a full-access token has them
 * all. Use it with `@Auth`, which installs the `ScopesGuard` answering 403 when one is missing.
 *
 * @example `@Get() @Auth('api-key', 'jwt') @Scopes('reports:read') list() {…}`
 */
export const Scopes = (...scopes: [string, ...string[]]) =>
  ScopesMetadata(scopes);
