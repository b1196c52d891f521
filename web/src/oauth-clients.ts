// The OAuth client admin pages' logic, kept free of React so it can be tested as plain
// functions: what the form's fields hold, and the RFC 7591 body they become.

/** What GET /api/oauth-clients lists (RFC 7591 names); never a secret. */
export interface OAuthClient {
  client_id: string;
  client_id_issued_at: number;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: AuthMethod;
  client_type: 'public' | 'confidential';
  disabled: boolean;
  created_at: string;
  updated_at: string;
  created_by: string | null;
}

/** A registration's or a rotation's answer: the only time the secret is shown. */
export interface OAuthClientWithSecret extends OAuthClient {
  client_secret?: string;
}

export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/**
 * The scopes a client may be allowed, as the server's src/oauth/oauth-scopes.ts lists them (the
 * console is built apart from the server; oauth-clients.spec.ts checks the two lists agree).
 */
export const CLIENT_SCOPES: readonly { name: string; description: string }[] = [
  { name: 'openid', description: 'Sign users in (OpenID Connect)' },
  { name: 'profile', description: 'Username, first and last name' },
  { name: 'email', description: 'Email address' },
  {
    name: 'offline_access',
    description: 'Refresh tokens: access while the user is away',
  },
  { name: 'data:read', description: 'Call GET /api/data' },
  { name: 'profile:read', description: 'Read the profile through the API' },
];

export const CLIENT_CREDENTIALS = 'client_credentials';

export const GRANT_TYPES: readonly { value: string; label: string }[] = [
  {
    value: 'authorization_code',
    label: 'Authorization code — sign users in (PKCE)',
  },
  { value: 'refresh_token', label: 'Refresh token — stay signed in' },
  {
    value: CLIENT_CREDENTIALS,
    label: 'Client credentials — a server acting for itself',
  },
  {
    value: 'urn:ietf:params:oauth:grant-type:device_code',
    label: 'Device code — TVs and command-line tools',
  },
];

export const AUTH_METHODS: readonly { value: AuthMethod; label: string }[] = [
  {
    value: 'client_secret_basic',
    label: 'Confidential, secret sent with HTTP Basic (client_secret_basic)',
  },
  {
    value: 'client_secret_post',
    label: 'Confidential, secret sent in the form body (client_secret_post)',
  },
  {
    value: 'none',
    label: 'Public — no secret; browser and mobile apps, PKCE required (none)',
  },
];

/** The form's fields, all strings (as useForm keeps them), named as the API names them. */
export type ClientField =
  | 'client_name'
  | 'redirect_uris'
  | 'grant_types'
  | 'scope'
  | 'token_endpoint_auth_method';
export type ClientFormValues = Record<ClientField, string>;

export const NEW_CLIENT: ClientFormValues = {
  client_name: '',
  redirect_uris: '',
  grant_types: 'authorization_code refresh_token',
  scope: 'openid',
  token_endpoint_auth_method: 'client_secret_basic',
};

/** A registered client as the form shows it, to edit. */
export function formValuesOf(client: OAuthClient): ClientFormValues {
  return {
    client_name: client.client_name,
    redirect_uris: client.redirect_uris.join('\n'),
    grant_types: client.grant_types.join(' '),
    scope: client.scope,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
  };
}

/** One URI a line; blank lines and surrounding spaces do not count. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The words of a space-separated list. */
export function wordsOf(text: string): string[] {
  return text.split(' ').filter((word) => word !== '');
}

/** `list` with `word` in or out, in the order of `order` (so the body does not depend on clicks). */
export function withWord(
  list: string,
  word: string,
  on: boolean,
  order: readonly string[],
): string {
  const words = new Set(wordsOf(list));
  if (on) {
    words.add(word);
  } else {
    words.delete(word);
  }
  return order.filter((item) => words.has(item)).join(' ');
}

/**
 * The JSON body for POST (or PATCH) /api/oauth-clients. A public client cannot have client
 * credentials, so choosing public drops that grant rather than sending a body sure to fail.
 */
export function clientBody(values: ClientFormValues): {
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
} {
  const publicClient = values.token_endpoint_auth_method === 'none';
  return {
    client_name: values.client_name.trim(),
    redirect_uris: linesOf(values.redirect_uris),
    grant_types: wordsOf(values.grant_types).filter(
      (grant) => !(publicClient && grant === CLIENT_CREDENTIALS),
    ),
    scope: values.scope,
    token_endpoint_auth_method: values.token_endpoint_auth_method,
  };
}

/** "Authorization code, Refresh token" rather than the RFC's identifiers, for the list. */
export function grantNames(grants: readonly string[]): string {
  return grants
    .map(
      (grant) =>
        GRANT_TYPES.find((known) => known.value === grant)?.label.split(
          ' — ',
        )[0] ?? grant,
    )
    .join(', ');
}
