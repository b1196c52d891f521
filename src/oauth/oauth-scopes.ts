/**
 * The scopes an OAuth client may ask for: OpenID Connect's own, and the Gatehouse API scopes that
 * `@Scopes(...)` checks on routes accepting the `oauth` scheme. The descriptions are what the
 * consent page shows, so they say what the app will be able to do, in the user's terms.
 */
export const OIDC_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
] as const;
export const API_SCOPES = ['data:read', 'profile:read'] as const;
export type OAuthScope =
  (typeof OIDC_SCOPES)[number] | (typeof API_SCOPES)[number];
export const OAUTH_SCOPES: readonly OAuthScope[] = [
  ...OIDC_SCOPES,
  ...API_SCOPES,
];

export const SCOPE_DESCRIPTIONS: Readonly<Record<OAuthScope, string>> = {
  openid: 'Know who you are: your Gatehouse user id',
  profile: 'See your username and your first and last name',
  email: 'See your email address',
  offline_access:
    'Keep access while you are away (until you disconnect the app)',
  'data:read':
    'Read your data from the Gatehouse API (counts toward your daily allowance)',
  'profile:read': 'Read your Gatehouse profile through the API',
};

export function isApiScope(scope: string): boolean {
  return (API_SCOPES as readonly string[]).includes(scope);
}

/** The `scope` parameter of a request as a list (absent, or not a string: none). */
export function requestedScopes(
  params: Record<string, unknown> | undefined,
): string[] {
  const scope = params?.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}
