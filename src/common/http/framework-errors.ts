import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Fastify's default, named so that the 414 message can say it. */
export const MAX_PARAM_LENGTH = 100;

/**
 * No route has this path: a request sent to it meets the not-found handler. Under /api, because
 * the console answers every other GET with its index.html.
 */
const UNROUTABLE_URL = '/api/.refused';

const DETOUR = Symbol('detour');

/** Why a request was detoured, and what its log line names. */
export interface Detour {
  readonly error: Error & { statusCode?: number; code?: string };
  readonly method: string | null;
  readonly url: string | null;
}

type DetouredRequest = IncomingMessage & { [DETOUR]?: Detour };

/**
 * Sends a request that Fastify refused before its hooks (see onFrameworkError, onClientError)
 * through the whole pipeline after all, to a path no route has: the hooks add the security
 * headers, the X-Request-Id and the log line, and AllExceptionsFilter answers `detour.error`
 * in place of the not-found handler's 404. Only refused requests pay for this.
 */
export function detour(
  fastify: FastifyInstance,
  raw: IncomingMessage,
  response: ServerResponse,
  reason: Detour,
): void {
  const request = raw as DetouredRequest;
  if (request[DETOUR] !== undefined) {
    // The detour itself was refused, which a fixed path cannot be; never loop.
    response.statusCode = 500;
    response.end();
    return;
  }
  request[DETOUR] = reason;
  request.url = UNROUTABLE_URL;
  fastify.routing(request, response);
}

/** Why the request was detoured, or undefined for every request that was not. */
export function detourOf(request: FastifyRequest): Detour | undefined {
  return (request.raw as DetouredRequest)[DETOUR];
}

/**
 * Fastify's `frameworkErrors`: the router refused the URL (a bad percent escape, a parameter over
 * MAX_PARAM_LENGTH) before any hook ran. Fastify would answer its own `FST_ERR_*` body, echoing
 * the path, with none of the hooks' work; the request is detoured instead.
 */
export function onFrameworkError(
  error: Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  detour(request.server, request.raw, reply.raw, {
    error,
    method: request.raw.method ?? null,
    url: request.raw.url ?? null,
  });
}
