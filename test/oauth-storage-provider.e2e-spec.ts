import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRepositoryToken } from '@nestjs/typeorm';
import Provider from 'oidc-provider';
import type { Repository } from 'typeorm';
import { oauthRevocationKey } from '../src/oauth/oauth-revocation-keys';
import { OAuthRecord } from '../src/oauth/storage/oauth-record.entity';
import { OAuthStorage } from '../src/oauth/storage/oauth-storage.service';
import { OAuthStorageModule } from '../src/oauth/storage/oauth-storage.module';
import { RevocationService } from '../src/tokens/revocation.service';
import { createTestApp, type TestApp } from './support/app';
import { sha256Hex } from '../src/common/crypto/sha256';

/**
 * The adapter under the real oidc-provider: two providers (two "instances", each on its own
 * app and its own HTTP server) share one database, with a confidential client that comes from
 * `useClientLookup`. This is not Gatehouse's provider configuration (the OAuth module owns that):
 * only the minimum the flows below need.
 */

jest.setTimeout(30_000);

const CLIENT_ID = 'storage-test-client';
const CLIENT_SECRET = 'storage-test-secret';
const REDIRECT_URI = 'http://127.0.0.1/callback';

interface Instance {
  app: TestApp;
  storage: OAuthStorage;
  provider: Provider;
  server: Server;
  url: string;
}

const signingKey = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  }),
  kid: 'storage-test',
  alg: 'ES256',
  use: 'sig',
};

async function startInstance(app: TestApp): Promise<Instance> {
  const storage = app.app.get(OAuthStorage);
  storage.useClientLookup((clientId) =>
    Promise.resolve(
      clientId === CLIENT_ID
        ? {
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            grant_types: [
              'authorization_code',
              'client_credentials',
              'refresh_token',
            ],
            response_types: ['code'],
            redirect_uris: [REDIRECT_URI],
            scope: 'openid offline_access',
            token_endpoint_auth_method: 'client_secret_basic',
            id_token_signed_response_alg: 'ES256',
          }
        : undefined,
    ),
  );
  const server = createServer();
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider('http://issuer.test', {
    adapter: (name) => storage.adapterFor(name),
    jwks: { keys: [signingKey] },
    cookies: { keys: ['storage-test-cookie-key'] },
    ttl: {
      AccessToken: 900,
      ClientCredentials: 900,
      Grant: 3600,
      IdToken: 3600,
      RefreshToken: 86_400,
    },
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: () => true },
      revocation: { enabled: true, allowedPolicy: () => true },
      devInteractions: { enabled: false },
    },
    scopes: ['openid', 'offline_access'],
    rotateRefreshToken: true,
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub }),
    }),
  });
  const callback = provider.callback();
  server.on('request', (request, response) => void callback(request, response));
  return { app, storage, provider, server, url };
}

async function post(
  instance: Instance,
  path: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${instance.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    // RFC 7009: a revocation answers 200 with no body.
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

/** A user's grant and refresh token, made through the provider's own models (no browser here). */
async function issueRefreshToken(
  instance: Instance,
  accountId: string,
): Promise<{ grantId: string; refreshToken: string }> {
  const { provider } = instance;
  const grant = new provider.Grant({ accountId, clientId: CLIENT_ID });
  grant.addOIDCScope('openid offline_access');
  const grantId = await grant.save();
  const client = await provider.Client.find(CLIENT_ID);
  if (!client) {
    throw new Error('the client lookup did not answer');
  }
  const refreshToken = await new provider.RefreshToken({
    client,
    accountId,
    grantId,
    scope: 'openid offline_access',
    gty: 'authorization_code',
  }).save();
  return { grantId, refreshToken };
}

/** A user's grant and an authorization code under it, with PKCE (the sign-in is not tested here). */
async function issueCode(
  instance: Instance,
  accountId: string,
): Promise<{ grantId: string; code: string; verifier: string }> {
  const { provider } = instance;
  const grant = new provider.Grant({ accountId, clientId: CLIENT_ID });
  grant.addOIDCScope('openid offline_access');
  const grantId = await grant.save();
  const client = await provider.Client.find(CLIENT_ID);
  if (!client) {
    throw new Error('the client lookup did not answer');
  }
  const verifier = randomBytes(32).toString('base64url');
  const code = await new provider.AuthorizationCode({
    client,
    accountId,
    grantId,
    scope: 'openid offline_access',
    redirectUri: REDIRECT_URI,
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    codeChallengeMethod: 'S256',
    gty: 'authorization_code',
  }).save();
  return { grantId, code, verifier };
}

describe('oidc-provider on OAuthStorage', () => {
  let a: Instance;
  let b: Instance;
  let records: Repository<OAuthRecord>;

  beforeAll(async () => {
    const first = await createTestApp({ imports: [OAuthStorageModule] });
    const second = await createTestApp({
      dataDir: first.dataDir,
      env: { ...first.env, REFRESH_REUSE_GRACE: '0' },
      imports: [OAuthStorageModule],
    });
    a = await startInstance(first);
    b = await startInstance(second);
    records = first.app.get(getRepositoryToken(OAuthRecord));
  });

  afterAll(async () => {
    for (const instance of [b, a]) {
      if (instance) {
        await new Promise((resolve) => instance.server.close(resolve));
      }
    }
    await b?.app.app.close();
    await a?.app.close();
  });

  it('issues a client-credentials token, stores it, and both instances introspect and revoke it', async () => {
    const issued = await post(a, '/token', {
      grant_type: 'client_credentials',
    });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: expect.any(Number),
    });
    const token = issued.body.access_token as string;
    const stored = await records.findOneBy({ model: 'ClientCredentials' });
    // Keyed by the token's SHA-256, with no copy of the token: a leaked table hands out nothing.
    expect(stored).toMatchObject({ id: sha256Hex(token), clientId: CLIENT_ID });
    expect(stored?.payload).not.toContain(token);
    expect(stored?.expiresAt?.getTime()).toBeGreaterThan(Date.now());

    const introspected = await post(b, '/token/introspection', { token });
    expect(introspected).toEqual({
      status: 200,
      body: expect.objectContaining({
        active: true,
        client_id: CLIENT_ID,
        token_type: 'Bearer',
      }),
    });

    const revoked = await post(b, '/token/revocation', { token });
    expect(revoked).toEqual({ status: 200, body: {} });
    await expect(
      records.countBy({ model: 'ClientCredentials', id: token }),
    ).resolves.toBe(0);
    await expect(post(a, '/token/introspection', { token })).resolves.toEqual({
      status: 200,
      body: { active: false },
    });
  });

  it('refuses a wrong client secret with the client found through the lookup', async () => {
    const response = await fetch(`${a.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toMatchObject({
      error: 'invalid_client',
    });
  });

  it('revokes what a code gave when the code is used twice, on either instance', async () => {
    const { grantId, code, verifier } = await issueCode(a, 'user-code');
    const exchange = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    };

    const first = await post(a, '/token', exchange);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
      scope: 'openid offline_access',
    });
    await expect(
      records.countBy({ grantId, model: 'RefreshToken' }),
    ).resolves.toBe(1);

    const second = await post(b, '/token', exchange);
    expect(second).toEqual({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'grant request is invalid',
      },
    });

    await expect(records.countBy({ grantId })).resolves.toBe(0);
    await expect(
      post(a, '/token/introspection', {
        token: first.body.access_token as string,
      }),
    ).resolves.toEqual({ status: 200, body: { active: false } });
    const refresh = await post(a, '/token', {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
    });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    await expect(
      b.app.app
        .get(RevocationService)
        .isRevoked(oauthRevocationKey('grant', grantId)),
    ).resolves.toBe(true);
  });

  it('rotates a refresh token, and a retry within the grace revokes nothing', async () => {
    const { refreshToken } = await issueRefreshToken(a, 'user-grace');

    const rotated = await post(a, '/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(rotated.status).toBe(200);
    const next = rotated.body.refresh_token as string;
    expect(next).toEqual(expect.any(String));
    expect(next).not.toBe(refreshToken);

    const retry = await post(a, '/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(retry).toEqual({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'grant request is invalid',
      },
    });

    const again = await post(a, '/token', {
      grant_type: 'refresh_token',
      refresh_token: next,
    });
    expect(again.status).toBe(200);
  });

  it('revokes the grant when a spent refresh token comes back after the grace (0 here)', async () => {
    const { grantId, refreshToken } = await issueRefreshToken(b, 'user-reuse');
    const rotated = await post(b, '/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(rotated.status).toBe(200);
    const next = rotated.body.refresh_token as string;
    const revocation = a.app.app.get(RevocationService);
    await expect(
      revocation.isRevoked(oauthRevocationKey('grant', grantId)),
    ).resolves.toBe(false);

    const reuse = await post(b, '/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(reuse).toEqual({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'grant request is invalid',
      },
    });

    // Everything under the grant is gone, the newest refresh token included.
    await expect(records.countBy({ grantId })).resolves.toBe(0);
    await expect(
      records.countBy({ model: 'Grant', id: grantId }),
    ).resolves.toBe(0);
    const stale = await post(a, '/token', {
      grant_type: 'refresh_token',
      refresh_token: next,
    });
    expect(stale).toEqual({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'grant request is invalid',
      },
    });
    await expect(
      b.app.app
        .get(RevocationService)
        .isRevoked(oauthRevocationKey('grant', grantId)),
    ).resolves.toBe(true);
  });
});
