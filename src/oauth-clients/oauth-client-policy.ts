import { randomBytes } from 'node:crypto';
import { OAUTH_SCOPES } from '../oauth/oauth-scopes';

/** The grant types a client may be registered for (RFC 7591 `grant_types` values). */
export const OAUTH_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
export type OAuthGrantType = (typeof OAUTH_GRANT_TYPES)[number];

/** `none` is a public client (a browser or native app): no secret, PKCE required. */
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'none',
] as const;
export type TokenEndpointAuthMethod =
  (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export const DEFAULT_GRANT_TYPES: readonly OAuthGrantType[] = [
  'authorization_code',
  'refresh_token',
];
export const DEFAULT_SCOPE = 'openid';
export const DEFAULT_AUTH_METHOD: TokenEndpointAuthMethod =
  'client_secret_basic';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why `uri` cannot be a redirect URI, or null if it can. Absolute, no fragment (RFC 6749 §3.1.2),
 * https, or plain http only for a loopback host (RFC 8252 §7.3: a native app's local listener;
 * nothing on the network can read those redirects).
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URL';
  }
  // URL drops an empty fragment ("…/cb#"), so look at the text itself.
  if (uri.includes('#')) {
    return 'must not have a fragment (#…)';
  }
  if (url.protocol === 'https:') {
    return null;
  }
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? null
      : 'may use http only for localhost, 127.0.0.1 or [::1]; use https';
  }
  return 'must be an https URL (or http on localhost, 127.0.0.1 or [::1])';
}

/** The scope's words that are not OAuth scopes Gatehouse offers. */
export function unknownScopes(scope: string): string[] {
  return scopeList(scope).filter(
    (word) => !(OAUTH_SCOPES as readonly string[]).includes(word),
  );
}

/** A space-separated scope as its distinct words, in order. */
export function scopeList(scope: string): string[] {
  return [...new Set(scope.split(' ').filter((word) => word !== ''))];
}

/** What the rules between fields look at: a client as it would be after the change. */
export interface ClientShape {
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
}

/**
 * The rules that span several fields (each field's own rules are in the DTOs), or null when the
 * client is coherent. Checked on the merged result of an update too, so a PATCH of one field
 * cannot leave an incoherent client behind.
 */
export function clientShapeProblem(client: ClientShape): string | null {
  const grants = client.grantTypes;
  if (
    client.tokenEndpointAuthMethod === 'none' &&
    grants.includes('client_credentials')
  ) {
    return 'grant_types cannot include client_credentials for a public client (token_endpoint_auth_method none): it has no secret to authenticate with';
  }
  if (
    grants.includes('authorization_code') &&
    client.redirectUris.length === 0
  ) {
    return 'redirect_uris needs at least one URI when grant_types includes authorization_code';
  }
  if (
    grants.includes('refresh_token') &&
    !grants.includes('authorization_code') &&
    !grants.includes('urn:ietf:params:oauth:grant-type:device_code')
  ) {
    return 'grant_types includes refresh_token, which needs authorization_code or urn:ietf:params:oauth:grant-type:device_code to obtain one';
  }
  return null;
}

/** A public, unguessable client id: `gh_` and 128 random bits in base64url (22 characters). */
export function newClientId(): string {
  return `gh_${randomBytes(16).toString('base64url')}`;
}

/**
 * A client secret: 256 random bits in base64url. Stored as its SHA-256: a slow password hash
 * adds nothing to a secret nobody chose, and the token endpoint checks it on every request.
 */
export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}
