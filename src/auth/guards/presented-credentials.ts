import type { FastifyRequest } from 'fastify';
import type { AuthScheme } from '../auth-schemes';

export const API_KEY_HEADER = 'x-api-key';
export const API_KEY_QUERY = 'api_key';
export const SESSION_COOKIE = 'sid';

const BEARER_PREFIX = 'Bearer ';
const DPOP_PREFIX = 'DPoP ';

/** The `iss` of each kind of bearer token: how one route can accept both (they look alike). */
export interface BearerIssuers {
  /** `iss` of OAuth access tokens (ISSUER_URL). */
  readonly oauth: string;
  /** `iss` of Gatehouse's own access tokens (JWT_ISSUER). */
  readonly jwt: string;
}

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

/** The token of `Authorization: DPoP <token>` (RFC 9449 §7.1), like `bearerToken`. */
export function dpopToken(request: {
  headers: { authorization?: string };
}): string | null {
  const authorization = request.headers.authorization;
  if (
    authorization === undefined ||
    authorization.slice(0, DPOP_PREFIX.length).toLowerCase() !==
      DPOP_PREFIX.toLowerCase()
  ) {
    return null;
  }
  const token = authorization.slice(DPOP_PREFIX.length).trimStart();
  return token.length > 0 && !/\s/.test(token) ? token : null;
}

const ISS_MEMBER = '"iss":"';

/**
 * A JWT's `iss`, read without verifying anything: only to choose which scheme verifies the
 * token (which then checks `iss` exactly), so a wrong answer costs a 401, never an acceptance.
 * Runs on every bearer request: it finds the member in the decoded text (JSON.stringify, which
 * every issuer of ours uses, writes it so), and parses the JSON only when that fails.
 */
export function unverifiedIssuer(token: string): string | null {
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1) {
    return null;
  }
  const text = Buffer.from(
    token.slice(first + 1, second),
    'base64url',
  ).toString('utf8');
  const at = text.indexOf(ISS_MEMBER);
  if (at !== -1) {
    const start = at + ISS_MEMBER.length;
    const end = text.indexOf('"', start);
    const value = end === -1 ? '' : text.slice(start, end);
    if (end !== -1 && !value.includes('\\')) {
      return value;
    }
  }
  try {
    const payload = JSON.parse(text) as { iss?: unknown } | null;
    return typeof payload?.iss === 'string' ? payload.iss : null;
  } catch {
    return null;
  }
}

/**
 * Which bearer scheme a token belongs to, by its `iss`. A token of neither issuer is handed to
 * the bearer scheme the route accepts (jwt first), which refuses it as an invalid token; one
 * that is no JWT at all goes to oauth where it is accepted, which says what it is (the provider's
 * opaque tokens, good only at /oauth/userinfo).
 */
export function bearerScheme(
  token: string,
  accepted: readonly AuthScheme[],
  issuers: BearerIssuers,
): 'jwt' | 'oauth' {
  const issuer = unverifiedIssuer(token);
  if (issuer === issuers.oauth) {
    return 'oauth';
  }
  if (issuer === issuers.jwt) {
    return 'jwt';
  }
  return accepted.includes('oauth') &&
    (!accepted.includes('jwt') || (token.length > 0 && !token.includes('.')))
    ? 'oauth'
    : 'jwt';
}

/**
 * Which credentials the request carries, by scheme; `unknown` for an Authorization header of a
 * scheme we do not speak. A bearer token is `jwt` or `oauth` by its issuer; `DPoP` carries only
 * OAuth tokens. The session cookie counts only where sessions are accepted: a browser sends it
 * with every request, so elsewhere it is ambient, not presented.
 */
export function presentedCredentials(
  request: FastifyRequest,
  accepted: readonly AuthScheme[],
  issuers: BearerIssuers,
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
      scheme === 'basic'
        ? 'basic'
        : scheme === 'bearer'
          ? bearerScheme(
              space === -1 ? '' : authorization.slice(space + 1),
              accepted,
              issuers,
            )
          : scheme === 'dpop'
            ? 'oauth'
            : 'unknown',
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
