import { Reflector } from '@nestjs/core';

export const AllowClientsMetadata = Reflector.createDecorator<true>();

/**
 * Lets an OAuth client-credentials token in: such a token acts for the client itself, not for a
 * user (`AuthenticatedUser.kind === 'client'`, its id the client id, no roles). Every route
 * without this answers such a token 403, so only a handler written for clients carries it.
 * Meaningful only on a route whose `@Auth(...)` names `oauth`.
 *
 * @example `@Get() @Auth('api-key', 'oauth') @AllowClients() @Scopes('data:read') read() {…}`
 */
export const AllowClients = () => AllowClientsMetadata(true);
