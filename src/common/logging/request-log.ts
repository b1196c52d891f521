import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { detourOf } from '../http/framework-errors';
import { redactUrl } from './redact';

const logger = new Logger('HTTP');

/** What the line tells of the request's AuthenticatedUser (set by AuthenticationGuard). */
interface RequestPrincipal {
  id: string;
  kind: 'user' | 'client';
  clientId: string | null;
}

/**
 * The one log line of a request: from the onResponse hook once the answer has gone, or with
 * `status` null and `aborted` when the client left before it could be answered.
 */
export function logRequest(
  request: FastifyRequest,
  status: number | null,
  elapsedMs: number,
): void {
  // Built only when it will be written: under LOG_LEVEL=warn the line is off, and building it
  // (the URL redacted, an object) was wasted on every request.
  if (!Logger.isLevelEnabled('log')) {
    return;
  }
  // A detoured request (see framework-errors.ts) is logged as the client sent it.
  const detoured = detourOf(request);
  const url = detoured ? detoured.url : request.url;
  const line: Record<string, unknown> = {
    msg: 'request',
    request_id: request.id,
    method: detoured ? detoured.method : request.method,
    path: url === null ? null : redactUrl(url),
    route: request.routeOptions.url ?? null,
    status,
    duration_ms: Math.round(elapsedMs * 10) / 10,
    user_id: null,
  };
  const user = (request as { user?: RequestPrincipal }).user;
  if (user) {
    // A client acting for itself has no user; an OAuth token names the app it was issued to.
    line.user_id = user.kind === 'client' ? null : user.id;
    if (user.clientId) {
      line.client_id = user.clientId;
    }
  }
  if (status === null) {
    line.aborted = true;
  }
  logger.log(line);
}
