import type { FastifyRequest } from 'fastify';
import type { AuthScheme } from '../auth-schemes';

export const API_KEY_HEADER = 'x-api-key';
export const API_KEY_QUERY = 'api_key';
export const SESSION_COOKIE = 'sid';

const BEARER_PREFIX = 'Bearer ';

/**
 * The token of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme in any case), or null
 * when the header is absent, of another scheme, or has anything after the token. Runs on every
 * jwt request, so it makes no match object and no lower-cased copy for the usual spelling.
 */
export function bearerToken(request: {
  headers: { authorization?: string };
}): string | null {
  const authorization = request.headers.authorization;
  if (
    authorization === undefined ||
    !(
      authorization.startsWith(BEARER_PREFIX) ||
      authorization.slice(0, BEARER_PREFIX.length).toLowerCase() ===
        BEARER_PREFIX.toLowerCase()
    )
  ) {
    return null;
  }
  let start = BEARER_PREFIX.length;
  while (authorization.charCodeAt(start) === 0x20) {
    start += 1;
  }
  const token = authorization.slice(start);
  return token.length > 0 && !/\s/.test(token) ? token : null;
}

/**
 * Which credentials the request carries, by scheme; `unknown` for an Authorization header of a
 * scheme we do not speak. The session cookie counts only where sessions are accepted: a browser
 * sends it with every request, so elsewhere it is ambient, not presented.
 */
export function presentedCredentials(
  request: FastifyRequest,
  accepted: readonly AuthScheme[],
): (AuthScheme | 'unknown')[] {
  const found: (AuthScheme | 'unknown')[] = [];
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    // Node trims trailing spaces, so `Bearer ` with no token arrives as `Bearer`.
    const space = authorization.indexOf(' ');
    const scheme = (
      space === -1 ? authorization : authorization.slice(0, space)
    ).toLowerCase();
    found.push(
      scheme === 'basic' ? 'basic' : scheme === 'bearer' ? 'jwt' : 'unknown',
    );
  }
  const query = request.query as Record<string, unknown> | undefined;
  if (
    request.headers[API_KEY_HEADER] !== undefined ||
    query?.[API_KEY_QUERY] !== undefined
  ) {
    found.push('api-key');
  }
  const cookies = (request as { cookies?: Record<string, string | undefined> })
    .cookies;
  if (accepted.includes('session') && cookies?.[SESSION_COOKIE] !== undefined) {
    found.push('session');
  }
  return found;
}
