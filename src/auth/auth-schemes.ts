import type { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { DPOP_ALGORITHMS } from './strategies/dpop-proof';

/**
 * The contract's scheme names. The same strings name the passport strategies, the OpenAPI
 * security schemes and the arguments of `@Auth(...)`.
 */
export const AUTH_SCHEMES = [
  'basic',
  'jwt',
  'api-key',
  'session',
  'oauth',
] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];

export const REALM = 'gatehouse';

export const OPENAPI_SECURITY_SCHEMES: Record<
  AuthScheme,
  SecuritySchemeObject
> = {
  basic: {
    type: 'http',
    scheme: 'basic',
    description: 'Username and password on every request.',
  },
  jwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from /api/login, /api/register or /api/refresh.',
  },
  'api-key': {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'An API key (gkey_…); the query parameter api_key is accepted too.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'sid',
    description:
      'Cookie set by POST /api/session; unsafe methods also need the X-CSRF-Token header.',
  },
  oauth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT (at+jwt)',
    description:
      'An OAuth 2.0 access token from /oauth/token, issued for the Gatehouse API (resource = ISSUER_URL/api) ' +
      'with the scopes the route names. A DPoP-bound token is sent as `Authorization: DPoP <token>` with a `DPoP` proof header.',
  },
};

/**
 * Where `oauth` is accepted, a second challenge: DPoP (RFC 9449 §7.1), with the algorithms a
 * proof may be signed with, so a client that holds a DPoP-bound token knows it may send it.
 */
export const DPOP_CHALLENGE = `DPoP algs="${DPOP_ALGORITHMS.join(' ')}"`;

/** The `WWW-Authenticate` challenge for each scheme (RFC 7617, RFC 6750). */
export function challengeFor(
  scheme: AuthScheme,
  rejectedToken: boolean,
): string {
  switch (scheme) {
    case 'basic':
      return `Basic realm="${REALM}", charset="UTF-8"`;
    case 'jwt':
    case 'oauth':
      // One challenge for both: a client cannot tell them apart before it has a token.
      return rejectedToken
        ? `Bearer realm="${REALM}", error="invalid_token", error_description="The access token is invalid, expired or revoked"`
        : `Bearer realm="${REALM}"`;
    case 'api-key':
      return 'ApiKey header="X-API-Key"';
    case 'session':
      return `Cookie realm="${REALM}", cookie-name="sid"`;
  }
}
