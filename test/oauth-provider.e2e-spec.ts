// Gatehouse as an OAuth 2.0 / OpenID Connect provider, driven by a certified relying party
// (openid-client) against a live server. The test plays the browser with a cookie jar: it signs
// in to the console and answers the consent through the console's API, as the page does.
import * as client from 'openid-client';
import { AuditService } from '../src/audit/audit.service';
import { UsersService } from '../src/users/users.service';
import { createTestApp, type TestApp } from './support/app';
import {
  registerUser,
  type RegisteredUser,
  uniqueUsername,
} from './support/factories';
import { Browser, freePort } from './support/oauth-browser';

const ADMIN = { username: 'chief', password: 'chief-password-1' };
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** The hidden inputs of the provider's HTML forms, as a browser would submit them. */
function hiddenFields(html: string): Record<string, string> {
  return Object.fromEntries(
    [
      ...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g),
    ].map((match) => [match[1], match[2]]),
  );
}

interface RegisteredClient {
  client_id: string;
  client_secret?: string;
}

describe('the OAuth 2.0 / OpenID Connect provider', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({
      env: {
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        ISSUER_URL: issuer,
        // Every reuse of a spent refresh token is theft here; the grace has its own test.
        REFRESH_REUSE_GRACE: '0',
      },
    });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(() => t.close());

  async function registerClient(
    metadata: Record<string, unknown>,
  ): Promise<RegisteredClient> {
    const response = await t.http
      .post('/api/oauth-clients')
      .auth(ADMIN.username, ADMIN.password)
      .send({
        client_name: 'Test app',
        redirect_uris: [REDIRECT_URI],
        ...metadata,
      })
      .expect(201);
    return response.body as RegisteredClient;
  }

  function discover(
    registered: RegisteredClient,
  ): Promise<client.Configuration> {
    return client.discovery(
      new URL(issuer),
      registered.client_id,
      undefined,
      registered.client_secret
        ? client.ClientSecretBasic(registered.client_secret)
        : client.None(),
      { execute: [client.allowInsecureRequests] },
    );
  }

  /** Signs `user` in to the console in `browser`, as the sign-in page does. */
  async function signInToConsole(
    browser: Browser,
    user: { username: string; password: string },
  ): Promise<string> {
    const response = await browser.fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: user.username,
        password: user.password,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { csrf_token: string }).csrf_token;
  }

  /**
   * Follows the authorization request through the console: sign in when asked, allow when
   * asked. Returns the callback URL the provider finally redirects to.
   */
  async function authorize(
    browser: Browser,
    url: URL,
    csrf: string,
    answer: 'consent' | 'deny' = 'consent',
  ): Promise<{ callback: URL; prompts: string[] }> {
    const prompts: string[] = [];
    let next = url.href;
    for (let step = 0; step < 5; step += 1) {
      const { response, url: landed } = await browser.follow(next);
      if (!landed.startsWith(issuer)) {
        return { callback: new URL(landed), prompts };
      }
      const match = /\/authorize\/([^/?]+)$/.exec(landed);
      if (!match) {
        // A page of our own that is not an interaction: the device flow's "done".
        expect(response.status).toBe(200);
        return { callback: new URL(landed), prompts };
      }
      const uid = match[1];
      const details = await browser.fetch(
        `/api/oauth/interactions/${uid}/details`,
      );
      expect(details.status).toBe(200);
      const { prompt } = (await details.json()) as { prompt: string };
      prompts.push(prompt);
      const action = prompt === 'login' ? 'login' : answer;
      const answered = await browser.fetch(
        `/api/oauth/interactions/${uid}/${action}`,
        { method: 'POST', headers: { 'x-csrf-token': csrf } },
      );
      expect(answered.status).toBe(200);
      next = ((await answered.json()) as { redirectTo: string }).redirectTo;
    }
    throw new Error('the authorization did not finish in 5 steps');
  }

  async function codeFlow(
    configuration: client.Configuration,
    user: RegisteredUser,
    scope: string,
  ) {
    const browser = new Browser(issuer);
    const csrf = await signInToConsole(browser, user);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomState();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: REDIRECT_URI,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...(scope.includes('openid') ? { nonce } : {}),
      // OpenID Connect grants offline_access (a refresh token) only with prompt=consent.
      ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}),
    });
    const { callback, prompts } = await authorize(browser, url, csrf);
    // What the relying party checks when it redeems the code.
    const checks = {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    };
    return { browser, csrf, callback, prompts, checks };
  }

  it('publishes discovery at the issuer, with endpoints that answer and our JWKS', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
      device_authorization_endpoint: `${issuer}/oauth/device/auth`,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(metadata.dpop_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['ES256']),
    );
    const jwks = await fetch(String(metadata.jwks_uri));
    expect(jwks.status).toBe(200);
    expect(
      ((await jwks.json()) as { keys: unknown[] }).keys.length,
    ).toBeGreaterThan(0);
  });

  it('runs the authorization-code flow with PKCE: ID token, userinfo, refresh, revoke, introspection', async () => {
    const registered = await registerClient({
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email offline_access',
    });
    const configuration = await discover(registered);
    const user = await registerUser(t.http);
    const flow = await codeFlow(
      configuration,
      user,
      'openid profile email offline_access',
    );
    expect(flow.prompts).toEqual(['login', 'consent']);

    const tokens = await client.authorizationCodeGrant(
      configuration,
      flow.callback,
      flow.checks,
    );
    // openid-client has checked the ID token's signature (through the JWKS), iss, aud, nonce.
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      sub: user.id,
      iss: issuer,
      aud: registered.client_id,
    });
    const userinfo = await client.fetchUserInfo(
      configuration,
      tokens.access_token,
      user.id,
    );
    expect(userinfo).toMatchObject({
      sub: user.id,
      preferred_username: user.username,
    });

    const refreshed = await client.refreshTokenGrant(
      configuration,
      tokens.refresh_token!,
    );
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    expect(
      await client.tokenIntrospection(configuration, refreshed.refresh_token!),
    ).toMatchObject({
      active: true,
      sub: user.id,
      client_id: registered.client_id,
    });
    await client.tokenRevocation(configuration, refreshed.refresh_token!);
    expect(
      await client.tokenIntrospection(configuration, refreshed.refresh_token!),
    ).toEqual({ active: false });
    // Revoking the refresh token revoked its grant: the access token issued with it too.
    expect(
      await client.tokenIntrospection(configuration, refreshed.access_token),
    ).toEqual({ active: false });
  });

  it('remembers consent per user, client and scopes; asks again for a new scope', async () => {
    const registered = await registerClient({
      grant_types: ['authorization_code'],
      scope: 'openid profile email',
    });
    const configuration = await discover(registered);
    const user = await registerUser(t.http);
    const first = await codeFlow(configuration, user, 'openid profile');
    expect(first.prompts).toEqual(['login', 'consent']);
    // Another browser, the same person: signed in to the console, not asked to consent again.
    const second = await codeFlow(configuration, user, 'openid profile');
    expect(second.prompts).toEqual(['login']);
    expect(second.callback.searchParams.get('code')).toBeTruthy();
    const third = await codeFlow(configuration, user, 'openid profile email');
    expect(third.prompts).toEqual(['login', 'consent']);
  });

  it('says whether the email is verified: email_verified follows the account', async () => {
    const registered = await registerClient({
      grant_types: ['authorization_code'],
      scope: 'openid email',
    });
    const configuration = await discover(registered);
    const email = `${uniqueUsername('claims')}@example.com`;
    const user = await registerUser(t.http, { email });
    const emailClaims = async () => {
      const flow = await codeFlow(configuration, user, 'openid email');
      const tokens = await client.authorizationCodeGrant(
        configuration,
        flow.callback,
        flow.checks,
      );
      const claims = await client.fetchUserInfo(
        configuration,
        tokens.access_token,
        user.id,
      );
      return { email: claims.email, email_verified: claims.email_verified };
    };
    expect(await emailClaims()).toEqual({ email, email_verified: false });
    // As following the link mailed at registration does (tested in email-verification).
    await t.app.get(UsersService).confirmEmail(user.id, email);
    expect(await emailClaims()).toEqual({ email, email_verified: true });
  });

  it('issues client-credentials tokens to the tutorial’s request: Basic client auth and a form body', async () => {
    const registered = await registerClient({
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'data:read',
    });
    // The tutorial's SpotifyAPI request, with only the URL changed.
    const response = await fetch(`${issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${registered.client_id}:${registered.client_secret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'data:read',
    });
    const token = String(body.access_token);
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map(
        (part) =>
          JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<
            string,
            unknown
          >,
      );
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(payload).toMatchObject({
      iss: issuer,
      aud: `${issuer}/api`,
      client_id: registered.client_id,
      sub: registered.client_id,
      scope: 'data:read',
    });
  });

  it('refuses a wrong client secret, and a scope beyond the client’s', async () => {
    const registered = await registerClient({
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'data:read',
    });
    const wrong = await fetch(`${issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${registered.client_id}:not-the-secret`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const beyond = await client
      .clientCredentialsGrant(await discover(registered), {
        scope: 'data:read profile:read',
      })
      .catch((error: unknown) => error);
    expect(beyond).toMatchObject({ error: 'invalid_scope' });
  });

  it('shows an unregistered redirect URI as a page and never redirects to it', async () => {
    const registered = await registerClient({ scope: 'openid' });
    const configuration = await discover(registered);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: 'https://evil.example/steal',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(
        client.randomPKCECodeVerifier(),
      ),
      code_challenge_method: 'S256',
    });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/redirect_uri/);
  });

  it('binds tokens to the client’s DPoP key when it uses DPoP: the API then wants the proof', async () => {
    const registered = await registerClient({
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'data:read',
    });
    const configuration = await discover(registered);
    const DPoP = client.getDPoPHandle(
      configuration,
      await client.randomDPoPKeyPair('ES256'),
    );
    const tokens = await client.clientCredentialsGrant(
      configuration,
      { scope: 'data:read' },
      { DPoP },
    );
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const withProof = await client.fetchProtectedResource(
      configuration,
      tokens.access_token,
      new URL(`${issuer}/api/data`),
      'GET',
      undefined,
      undefined,
      { DPoP },
    );
    expect(withProof.status).toBe(200);
    const asBearer = await fetch(`${issuer}/api/data`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(asBearer.status).toBe(401);
  });

  it('shows an unknown client as a page, redirecting nowhere', async () => {
    const response = await fetch(
      `${issuer}/oauth/authorize?client_id=no-such-client&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(/invalid_client/);
  });

  it('refuses an authorization request without PKCE', async () => {
    const registered = await registerClient({ scope: 'openid' });
    const configuration = await discover(registered);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state: 'abc',
    });
    const response = await fetch(url, { redirect: 'manual' });
    // A registered redirect URI hears the error (RFC 6749 §4.1.2.1).
    const location = new URL(String(response.headers.get('location')));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a wrong PKCE verifier, and a code used twice revokes what it gave', async () => {
    const registered = await registerClient({
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access',
    });
    const configuration = await discover(registered);
    const user = await registerUser(t.http);

    const wrongVerifier = await codeFlow(
      configuration,
      user,
      'openid offline_access',
    );
    const refused = await client
      .authorizationCodeGrant(configuration, wrongVerifier.callback, {
        ...wrongVerifier.checks,
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
      })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ error: 'invalid_grant' });

    const flow = await codeFlow(configuration, user, 'openid offline_access');
    const tokens = await client.authorizationCodeGrant(
      configuration,
      flow.callback,
      flow.checks,
    );
    const again = await client
      .authorizationCodeGrant(configuration, flow.callback, flow.checks)
      .catch((error: unknown) => error);
    expect(again).toMatchObject({ error: 'invalid_grant' });
    expect(
      await client.tokenIntrospection(configuration, tokens.refresh_token!),
    ).toEqual({ active: false });
    expect(
      await client.tokenIntrospection(configuration, tokens.access_token),
    ).toEqual({ active: false });
  });

  it('refuses a refresh token presented by another client, and a spent one revokes the grant', async () => {
    const metadata = {
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access',
    };
    const owner = await registerClient(metadata);
    const other = await registerClient(metadata);
    const configuration = await discover(owner);
    const user = await registerUser(t.http);
    const flow = await codeFlow(configuration, user, 'openid offline_access');
    const tokens = await client.authorizationCodeGrant(
      configuration,
      flow.callback,
      flow.checks,
    );
    const stolen = await client
      .refreshTokenGrant(await discover(other), tokens.refresh_token!)
      .catch((error: unknown) => error);
    expect(stolen).toMatchObject({ error: 'invalid_grant' });

    const rotated = await client.refreshTokenGrant(
      configuration,
      tokens.refresh_token!,
    );
    const replayed = await client
      .refreshTokenGrant(configuration, tokens.refresh_token!)
      .catch((error: unknown) => error);
    expect(replayed).toMatchObject({ error: 'invalid_grant' });
    // The thief's replay ended the family: the rotated token is dead too.
    expect(
      await client.tokenIntrospection(configuration, rotated.refresh_token!),
    ).toEqual({ active: false });
  });

  it('refuses a code past its 60 seconds', async () => {
    const registered = await registerClient({ scope: 'openid' });
    const configuration = await discover(registered);
    const user = await registerUser(t.http);
    const flow = await codeFlow(configuration, user, 'openid');
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      const expired = await client
        .authorizationCodeGrant(configuration, flow.callback, flow.checks)
        .catch((error: unknown) => error);
      expect(expired).toMatchObject({ error: 'invalid_grant' });
    } finally {
      later.mockRestore();
    }
  });

  it('audits consents, client-credentials tokens and a grant revoked for refresh-token reuse', async () => {
    const registered = await registerClient({
      grant_types: [
        'authorization_code',
        'refresh_token',
        'client_credentials',
      ],
      scope: 'openid offline_access data:read',
    });
    const configuration = await discover(registered);
    await client.clientCredentialsGrant(configuration, { scope: 'data:read' });
    const user = await registerUser(t.http);
    const flow = await codeFlow(configuration, user, 'openid offline_access');
    const tokens = await client.authorizationCodeGrant(
      configuration,
      flow.callback,
      flow.checks,
    );
    // A spent refresh token presented again (no grace in this app): the grant is revoked.
    await client.refreshTokenGrant(configuration, tokens.refresh_token!);
    await client
      .refreshTokenGrant(configuration, tokens.refresh_token!)
      .catch(() => undefined);
    await t.app.get(AuditService).flush();
    const events = async (type: string) =>
      (
        await t.http
          .get(`/api/audit?type=${type}&limit=100`)
          .auth(ADMIN.username, ADMIN.password)
          .expect(200)
      ).body.items as {
        user_id: string | null;
        details: Record<string, unknown>;
      }[];
    expect(await events('oauth_client_token')).toContainEqual(
      expect.objectContaining({
        details: expect.objectContaining({
          clientId: registered.client_id,
          scope: 'data:read',
        }),
      }),
    );
    expect(await events('oauth_consent_granted')).toContainEqual(
      expect.objectContaining({
        user_id: user.id,
        details: expect.objectContaining({ clientId: registered.client_id }),
      }),
    );
    expect(await events('oauth_grant_revoked')).toContainEqual(
      expect.objectContaining({
        details: expect.objectContaining({ reason: 'refresh_token_reuse' }),
      }),
    );
  });

  it('gives an app that asks for data:read an access token for the API; disconnecting the app ends it', async () => {
    const registered = await registerClient({
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access data:read',
    });
    const configuration = await discover(registered);
    const user = await registerUser(t.http);
    const flow = await codeFlow(
      configuration,
      user,
      'openid offline_access data:read',
    );
    // With openid, the API token is asked for by its resource indicator (RFC 8707).
    const tokens = await client.authorizationCodeGrant(
      configuration,
      flow.callback,
      flow.checks,
      { resource: `${issuer}/api` },
    );
    const api = (token: string) =>
      fetch(`${issuer}/api/data`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const data = await api(tokens.access_token);
    expect(data.status).toBe(200);
    expect(await data.json()).toMatchObject({
      message: `Hello ${user.username}!`,
    });

    const apps = await flow.browser.fetch('/api/oauth/grants');
    const [connected] = (await apps.json()) as {
      grant_id: string;
      client_id: string;
    }[];
    expect(connected).toMatchObject({ client_id: registered.client_id });
    const disconnected = await flow.browser.fetch(
      `/api/oauth/grants/${connected.grant_id}`,
      { method: 'DELETE', headers: { 'x-csrf-token': flow.csrf } },
    );
    expect(disconnected.status).toBe(204);
    expect((await api(tokens.access_token)).status).toBe(401);
    const refresh = await client
      .refreshTokenGrant(configuration, tokens.refresh_token!)
      .catch((error: unknown) => error);
    expect(refresh).toMatchObject({ error: 'invalid_grant' });
    expect(
      await (await flow.browser.fetch('/api/oauth/grants')).json(),
    ).toEqual([]);
  });

  it('lets a client-credentials token read /api/data for the client, not a user’s profile; disabling the client ends it', async () => {
    const registered = await registerClient({
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'data:read profile:read',
    });
    const { access_token: token } = await client.clientCredentialsGrant(
      await discover(registered),
      { scope: 'data:read profile:read' },
    );
    const call = (path: string) =>
      fetch(`${issuer}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const data = await call('/api/data');
    expect(data.status).toBe(200);
    expect(await data.json()).toMatchObject({
      message: expect.stringContaining(registered.client_id),
    });
    const profile = await call('/api/profile');
    expect(profile.status).toBe(403);
    expect(await profile.json()).toMatchObject({
      message: expect.stringMatching(
        /acts for a user; a client-credentials token acts for the client/,
      ),
    });
    await t.http
      .patch(`/api/oauth-clients/${registered.client_id}`)
      .auth(ADMIN.username, ADMIN.password)
      .send({ disabled: true })
      .expect(200);
    expect((await call('/api/data')).status).toBe(401);
    const again = await fetch(`${issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${registered.client_id}:${registered.client_secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(again.status).toBe(401);
  });

  it('refuses to complete a sign-in request from a browser that did not start it', async () => {
    const registered = await registerClient({ scope: 'openid' });
    const configuration = await discover(registered);
    const owner = await registerUser(t.http);
    const other = await registerUser(t.http);
    const browser = new Browser(issuer);
    const csrf = await signInToConsole(browser, owner);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(
        client.randomPKCECodeVerifier(),
      ),
      code_challenge_method: 'S256',
    });
    const { url: landed } = await browser.follow(url.href);
    const uid = landed.split('/').at(-1)!;
    // Another browser, whatever its session, lacks this browser's interaction cookie.
    const stranger = new Browser(issuer);
    const strangerCsrf = await signInToConsole(stranger, other);
    const refused = await stranger.fetch(
      `/api/oauth/interactions/${uid}/login`,
      {
        method: 'POST',
        headers: { 'x-csrf-token': strangerCsrf },
      },
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      message: expect.stringMatching(/another browser/),
    });
    // The browser that started it still can.
    const login = await browser.fetch(`/api/oauth/interactions/${uid}/login`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrf },
    });
    expect(login.status).toBe(200);
  });

  it('takes a pushed authorization request (PAR) and signs the user out at the app’s request (RP-initiated logout)', async () => {
    const postLogout = 'http://127.0.0.1:9/signed-out';
    const registered = await registerClient({
      scope: 'openid',
      post_logout_redirect_uris: [postLogout],
    });
    const configuration = await discover(registered);
    const user = await registerUser(t.http);
    const browser = new Browser(issuer);
    const csrf = await signInToConsole(browser, user);
    const verifier = client.randomPKCECodeVerifier();
    // PAR: the parameters go to the server first; the browser carries only the request_uri.
    const url = await client.buildAuthorizationUrlWithPAR(configuration, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'par-state',
    });
    expect([...url.searchParams.keys()].sort()).toEqual([
      'client_id',
      'request_uri',
    ]);
    const { callback } = await authorize(browser, url, csrf);
    const tokens = await client.authorizationCodeGrant(
      configuration,
      callback,
      {
        pkceCodeVerifier: verifier,
        expectedState: 'par-state',
      },
    );

    const logout = client.buildEndSessionUrl(configuration, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: postLogout,
      state: 'bye',
    });
    const confirm = await browser.fetch(logout.href);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toMatch(/Sign out of Gatehouse/);
    const signedOut = await browser.fetch('/oauth/logout/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hiddenFields(page), logout: 'yes' }),
    });
    expect(signedOut.status).toBe(303);
    const back = new URL(String(signedOut.headers.get('location')));
    expect(`${back.origin}${back.pathname}`).toBe(postLogout);
    expect(back.searchParams.get('state')).toBe('bye');
    // The provider's sign-in is over, and with it what was granted for it (no offline_access:
    // its tokens end with the session): the next authorization asks for both again.
    const again = await authorize(
      browser,
      client.buildAuthorizationUrl(configuration, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }),
      csrf,
    );
    expect(again.prompts).toEqual(['login', 'consent']);
  });

  it('runs the device authorization grant, the user entering the code through the console', async () => {
    const registered = await registerClient({
      grant_types: [
        'urn:ietf:params:oauth:grant-type:device_code',
        'refresh_token',
      ],
      redirect_uris: [],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile',
    });
    const configuration = await discover(registered);
    const user = await registerUser(t.http);
    const device = await client.initiateDeviceAuthorization(configuration, {
      scope: 'openid profile',
    });
    expect(device.verification_uri).toBe(`${issuer}/oauth/device`);

    const browser = new Browser(issuer);
    const csrf = await signInToConsole(browser, user);
    // The verification URI sends the browser to the console's page…
    const entry = await browser.fetch('/oauth/device');
    expect(entry.status).toBe(302);
    expect(entry.headers.get('location')).toBe('/device');
    // …whose form sends the code back; the provider's page posts it with its CSRF token.
    const posted = await browser.fetch(
      `/oauth/device?user_code=${encodeURIComponent(device.user_code)}`,
    );
    const form = await posted.text();
    const fields = hiddenFields(form);
    const confirm = await browser.fetch('/oauth/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    expect(confirm.status).toBe(200);
    const confirmPage = await confirm.text();
    expect(confirmPage).toContain('Test app');
    // What the Continue button sends: the form's hidden fields (Cancel adds abort=yes).
    const confirmFields = hiddenFields(confirmPage);
    const started = await browser.fetch('/oauth/device', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(confirmFields),
    });
    const { callback, prompts } = await authorize(
      browser,
      new URL(String(started.headers.get('location')), issuer),
      csrf,
    );
    expect(prompts).toEqual(['login', 'consent']);
    expect(`${callback.pathname}${callback.search}`).toBe('/device?done=1');
    const tokens = await client.pollDeviceAuthorizationGrant(
      configuration,
      device,
    );
    expect(tokens.claims()).toMatchObject({ sub: user.id });
  });
});

describe('the OAuth token endpoint’s rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        RATE_LIMIT_OAUTH_TOKEN: '2/minute',
      },
    });
  });
  afterAll(() => t.close());

  async function clientCredentials(): Promise<{ id: string; secret: string }> {
    const response = await t.http
      .post('/api/oauth-clients')
      .auth(ADMIN.username, ADMIN.password)
      .send({
        client_name: 'Limited',
        grant_types: ['client_credentials'],
        scope: 'data:read',
      })
      .expect(201);
    return { id: response.body.client_id, secret: response.body.client_secret };
  }

  const tokenRequest = (id: string, secret: string) =>
    t.http
      .post('/oauth/token')
      .auth(id, secret)
      .type('form')
      .send({ grant_type: 'client_credentials' });

  it('counts per client: the third request in the minute is 429 with Retry-After, another client is not', async () => {
    const first = await clientCredentials();
    const second = await clientCredentials();
    await tokenRequest(first.id, first.secret).expect(200);
    await tokenRequest(first.id, first.secret).expect(200);
    const refused = await tokenRequest(first.id, first.secret).expect(429);
    expect(refused.body).toMatchObject({ error: 'slow_down' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await tokenRequest(second.id, second.secret).expect(200);
  });
});

describe('the OAuth provider’s edges', () => {
  it('answers an unknown path under /oauth/ with the JSON 404 of any unknown path', async () => {
    const t = await createTestApp();
    try {
      const unknownApi = await t.http.get('/api/no-such-route').expect(404);
      const response = await t.http.get('/oauth/no-such-endpoint').expect(404);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.body).toEqual({
        ...unknownApi.body,
        message: expect.stringContaining('/oauth/no-such-endpoint'),
      });
    } finally {
      await t.close();
    }
  });

  it('is off under JWT_ALGORITHM=HS256, saying why, on every OAuth route', async () => {
    const t = await createTestApp({ env: { JWT_ALGORITHM: 'HS256' } });
    try {
      for (const path of [
        '/.well-known/openid-configuration',
        '/oauth/authorize',
        '/api/oauth/interactions/abc/details',
      ]) {
        const response = await t.http.get(path).expect(404);
        expect(response.body).toMatchObject({
          statusCode: 404,
          message: expect.stringMatching(/off under JWT_ALGORITHM=HS256/),
        });
      }
      await t.http
        .post('/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(404);
    } finally {
      await t.close();
    }
  });
});
