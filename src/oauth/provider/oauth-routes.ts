/**
 * Where the provider's endpoints live. Everything under /oauth/ (and discovery) is handed to
 * oidc-provider untouched; the JWKS is Gatehouse's own (src/signing-keys/jwks.controller.ts).
 */
export const OAUTH_PREFIX = '/oauth/';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  userinfo: '/oauth/userinfo',
  jwks: '/.well-known/jwks.json',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  end_session: '/oauth/logout',
  pushed_authorization_request: '/oauth/par',
  device_authorization: '/oauth/device/auth',
  code_verification: '/oauth/device',
} as const;
