import {
  type Adapter,
  type ClientMetadata,
  type Configuration,
  errors,
  type FindAccount,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { DPOP_ALGORITHMS } from '../../auth/strategies/dpop-proof';
import type { AppConfig } from '../../config/app-config';
import {
  API_SCOPES,
  isApiScope,
  OAUTH_SCOPES,
  requestedScopes,
} from '../oauth-scopes';
import { OAUTH_ROUTES } from './oauth-routes';
import { renderPage, escapeHtml } from './provider-pages';

/** What the provider asks of the rest of Gatehouse; the service wires these to real modules. */
export interface ProviderDependencies {
  readonly config: AppConfig;
  /** The keystore's active private key (JWK with kid and alg). */
  readonly signingJwk: Record<string, unknown> & { kid: string; alg: string };
  readonly adapter: (model: string) => Adapter;
  readonly findAccount: FindAccount;
  /** The user id of the console session this browser holds (the `sid` cookie), or null. */
  readonly consoleUserId: (ctx: KoaContextWithOIDC) => Promise<string | null>;
  /** A grant this user already gave this client, so consent is remembered across browsers. */
  readonly findGrantId: (
    accountId: string,
    clientId: string,
  ) => Promise<string | undefined>;
  /** Signs the provider's cookies; the same on every instance. */
  readonly cookieKeys: string[];
  /** Builds the login prompt's checks (see oauth-provider.service.ts). */
  readonly interactionPolicy: NonNullable<
    Configuration['interactions']
  >['policy'];
}

export const OAUTH_CODE_TTL_SECONDS = 60;
export const OAUTH_DEVICE_CODE_TTL_SECONDS = 600;
/** How long a sign-in to the provider lasts (the console session is checked on each authorization too). */
const OAUTH_SESSION_TTL_SECONDS = 14 * 86400;
const INTERACTION_TTL_SECONDS = 3600;

export const GATEHOUSE_CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'none',
] as const;

/** The issuer's whole policy, in oidc-provider's terms. */
export function providerConfiguration(
  deps: ProviderDependencies,
): Configuration {
  const { config, signingJwk } = deps;
  const apiResource = config.oauthApiResource;
  const alg = signingJwk.alg as 'ES256' | 'EdDSA';
  return {
    adapter: deps.adapter,
    jwks: { keys: [signingJwk] },
    findAccount: deps.findAccount,
    routes: OAUTH_ROUTES,
    scopes: [...OAUTH_SCOPES],
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
    },
    clientAuthMethods: [...GATEHOUSE_CLIENT_AUTH_METHODS],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
    } satisfies Partial<ClientMetadata>,
    enabledJWA: {
      idTokenSigningAlgValues: [alg],
      userinfoSigningAlgValues: [alg],
      introspectionSigningAlgValues: [alg],
      authorizationSigningAlgValues: [alg],
      requestObjectSigningAlgValues: ['ES256', 'EdDSA'],
      dPoPSigningAlgValues: DPOP_ALGORITHMS,
    },
    responseTypes: ['code'],
    // OAuth 2.1: every authorization-code flow proves possession of its verifier (S256 only).
    pkce: { required: () => true },
    rotateRefreshToken: true,
    // Revoking any token of a grant ends the grant itself, so remembered consent never hands out
    // a grant id whose access tokens are on the blacklist.
    revokeGrantPolicy: () => true,
    conformIdTokenClaims: true,
    cookies: {
      keys: deps.cookieKeys,
      names: {
        session: 'gh_oauth_session',
        interaction: 'gh_oauth_interaction',
        resume: 'gh_oauth_resume',
      },
    },
    ttl: {
      // Access and ID tokens live ACCESS_TOKEN_TTL, like Gatehouse's own access tokens: the signing
      // keys stay published that long after they retire, and revoked grants stay blacklisted
      // that long (src/signing-keys, src/oauth/storage).
      AccessToken: config.accessTokenTtlSeconds,
      ClientCredentials: config.accessTokenTtlSeconds,
      AuthorizationCode: OAUTH_CODE_TTL_SECONDS,
      DeviceCode: OAUTH_DEVICE_CODE_TTL_SECONDS,
      IdToken: config.accessTokenTtlSeconds,
      RefreshToken: config.refreshTokenTtlSeconds,
      Grant: config.refreshTokenTtlSeconds,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: OAUTH_SESSION_TTL_SECONDS,
    },
    // The grant id lets the guard refuse a JWT access token once its consent is revoked.
    extraTokenClaims: (_ctx, token) =>
      token.kind === 'AccessToken' && token.grantId
        ? { gid: token.grantId }
        : undefined,
    formats: {
      customizers: {
        jwt: (ctx, token, structured) => {
          // A client-credentials request that names no scope gets the client's registered API
          // scopes, as other servers do: a client like the tutorial's, which sends only its
          // grant type, gets a token it can use (and the answer says which scopes it holds).
          if (token.kind === 'ClientCredentials' && !token.scope) {
            token.scope =
              (ctx.oidc.client?.scope ?? '')
                .split(' ')
                .filter(isApiScope)
                .join(' ') || undefined;
            structured.payload.scope = token.scope;
          }
        },
      },
    },
    loadExistingGrant: async (ctx) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId ??
        ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId) ??
        (ctx.oidc.session?.accountId
          ? await deps.findGrantId(
              ctx.oidc.session.accountId,
              ctx.oidc.client!.clientId,
            )
          : undefined);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: {
      policy: deps.interactionPolicy,
      // Under /api so that the interaction cookie (bound to this path) reaches the console's API
      // calls; this route sends the browser on to the console page.
      url: (_ctx, interaction) => `/api/oauth/interactions/${interaction.uid}`,
    },
    clientBasedCORS: () => false,
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderPage(
        'Sign-in request refused',
        `<p>The application sent a request Gatehouse cannot accept, so you were not sent back to it.</p>
<p><strong>${escapeHtml(String(out.error))}</strong>${
          out.error_description
            ? `: ${escapeHtml(String(out.error_description))}`
            : ''
        }</p>
<p><a href="/">Go to the Gatehouse console</a></p>`,
      );
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // Only confidential clients, and a public client only about its own tokens.
        allowedPolicy: (ctx, client, token) =>
          client.clientAuthMethod !== 'none' ||
          token.clientId === ctx.oidc.client?.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) =>
          token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      dPoP: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = renderPage(
            'Sign out',
            `${form}<p>Sign out of Gatehouse for the applications that use it?</p>
<p class="actions"><button form="op.logoutForm" type="submit" name="logout" value="yes" autofocus>Sign out</button>
<button form="op.logoutForm" type="submit">Stay signed in</button></p>`,
          );
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = renderPage(
            'Signed out',
            '<p>You are signed out of the applications that use Gatehouse.</p><p><a href="/">Go to the Gatehouse console</a></p>',
          );
        },
      },
      deviceFlow: {
        enabled: true,
        // The code is typed on the console's page; it comes back here with ?user_code=.
        userCodeInputSource: (ctx, _form, _out, error) => {
          const message = error
            ? 'error_description' in error && error.error_description
              ? String(error.error_description)
              : String(error.message)
            : null;
          ctx.redirect(
            message
              ? `/device?error=${encodeURIComponent(message)}`
              : '/device',
          );
        },
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.body = renderPage(
            'Connect a device',
            `${form}<p><strong>${escapeHtml(client.clientName ?? client.clientId)}</strong> asks to connect to your Gatehouse account.</p>
<p>Check that your device shows this code: <strong class="code">${escapeHtml(userCode)}</strong></p>
<p class="actions"><button form="op.deviceConfirmForm" type="submit" autofocus>Continue</button>
<button form="op.deviceConfirmForm" type="submit" name="abort" value="yes">Cancel</button></p>`,
          );
        },
        successSource: (ctx) => {
          ctx.redirect('/device?done=1');
        },
      },
      resourceIndicators: {
        enabled: true,
        // A request for any API scope (or any client-credentials request) is for Gatehouse's API.
        defaultResource: (ctx, _client, oneOf) => {
          if (oneOf) {
            return oneOf;
          }
          return ctx.oidc.params?.grant_type === 'client_credentials' ||
            requestedScopes(ctx.oidc.params).some(isApiScope)
            ? apiResource
            : undefined;
        },
        // With `openid`, the token endpoint answers a UserInfo token unless `resource` asks for the API.
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== apiResource) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: API_SCOPES.join(' '),
            audience: apiResource,
            accessTokenTTL: config.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
  };
}
