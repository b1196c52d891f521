// OAuth access tokens through the one authentication guard, minted here with the server's own
// keystore in the shape the provider issues (typ at+jwt, iss ISSUER_URL, aud ISSUER_URL/api),
// so the guard is tested on its own; the flows that obtain real tokens are tested elsewhere.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { AuthenticatedUser } from '../src/auth/authenticated-user';
import { AllowClients } from '../src/auth/decorators/allow-clients.decorator';
import { Auth } from '../src/auth/decorators/auth.decorator';
import { CurrentUser } from '../src/auth/decorators/current-user.decorator';
import { accessTokenHash } from '../src/auth/strategies/dpop-proof';
import { oauthRevocationKey } from '../src/oauth/oauth-revocation-keys';
import { SigningKeysService } from '../src/signing-keys/signing-keys.service';
import { RevocationService } from '../src/tokens/revocation.service';
import { createTestApp, type TestApp } from './support/app';
import { captureLogs } from './support/logs';
import { type RegisteredUser, registerUser } from './support/factories';
import { bearer, dataFor } from './support/http';

/** Routes of our own, as a user of Gatehouse would declare them. */
@Controller('oauth-probe')
class OAuthProbe {
  @Get('any')
  @Auth('oauth')
  @AllowClients()
  any(@CurrentUser() principal: AuthenticatedUser) {
    return principal;
  }

  @Get('users')
  @Auth('oauth')
  users(@CurrentUser() principal: AuthenticatedUser) {
    return principal;
  }
}

@Module({ controllers: [OAuthProbe] })
class OAuthProbeModule {}

const ADMIN = { username: 'oauth-admin', password: 'oauth-admin-password-1' };
const CLIENT_ID = 'gh_guardtestclient0000000';
const INVALID_OAUTH = 'Invalid, expired or revoked OAuth access token';
const REJECTED_BEARER_CHALLENGE =
  'Bearer realm="gatehouse", error="invalid_token", error_description="The access token is invalid, expired or revoked"';
const DPOP_CHALLENGE = 'DPoP algs="ES256 EdDSA"';

function unauthorized(message: string) {
  return { statusCode: 401, error: 'Unauthorized', message };
}

function forbidden(message: string) {
  return { statusCode: 403, error: 'Forbidden', message };
}

type ProofKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

function dpop(token: string): { Authorization: string } {
  return { Authorization: `DPoP ${token}` };
}

describe('OAuth access tokens (scheme oauth)', () => {
  let t: TestApp;
  let http: TestAgent;
  let keys: SigningKeysService;
  let revocation: RevocationService;
  let alice: RegisteredUser;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
      imports: [OAuthProbeModule],
    });
    http = t.http;
    keys = t.app.get(SigningKeysService);
    revocation = t.app.get(RevocationService);
    alice = await registerUser(http);
    const login = await http.post('/api/login').send(ADMIN).expect(200);
    adminToken = login.body.access_token as string;
  });

  afterAll(() => t.close());

  /** The claims the provider puts in a user's access token, with `changes` applied. */
  function claims(
    changes: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: t.config.issuerUrl,
      aud: t.config.oauthApiResource,
      sub: alice.id,
      client_id: CLIENT_ID,
      scope: 'openid data:read profile:read',
      jti: randomUUID(),
      gid: `grant-${randomUUID()}`,
      iat: now,
      exp: now + 900,
      ...changes,
    };
  }

  function mint(changes: Record<string, unknown> = {}, typ = 'at+jwt') {
    const payload = claims(changes);
    return { token: keys.sign(payload, Date.now(), typ), payload };
  }

  /** A client-credentials token: it acts for the client (`sub` is the client id, no grant). */
  function mintForClient(changes: Record<string, unknown> = {}) {
    return mint({
      sub: CLIENT_ID,
      gid: undefined,
      scope: 'data:read',
      ...changes,
    });
  }

  async function expectInvalid(
    token: string,
    path = '/api/oauth-probe/any',
  ): Promise<Response> {
    const response = await http.get(path).set(bearer(token)).expect(401);
    expect(response.body).toEqual(unauthorized(INVALID_OAUTH));
    expect(response.headers['www-authenticate']).toContain(
      REJECTED_BEARER_CHALLENGE,
    );
    // Every route that takes OAuth tokens also says a DPoP-bound one may be sent.
    expect(response.headers['www-authenticate']).toContain(DPOP_CHALLENGE);
    return response;
  }

  describe('a token for a user', () => {
    it('reads /api/data and /api/profile as the user', async () => {
      const { token } = mint();
      const data = await http.get('/api/data').set(bearer(token)).expect(200);
      expect(data.body).toEqual(dataFor(alice.username));
      const profile = await http
        .get('/api/profile')
        .set(bearer(token))
        .expect(200);
      expect(profile.body.user).toMatchObject({
        id: alice.id,
        username: alice.username,
      });
    });

    it('makes a principal of the user as they are now, with the token’s scopes, jti, expiry and client', async () => {
      const { token, payload } = mint();
      const response = await http
        .get('/api/oauth-probe/users')
        .set(bearer(token))
        .expect(200);
      expect(response.body).toEqual({
        id: alice.id,
        username: alice.username,
        roles: ['user'],
        scopes: ['openid', 'data:read', 'profile:read'],
        scheme: 'oauth',
        credentialId: payload.jti,
        expiresAt: payload.exp,
        kind: 'user',
        clientId: CLIENT_ID,
      });
    });

    it('answers 403 naming the missing scope', async () => {
      const { token } = mint({ scope: 'data:read' });
      const response = await http
        .get('/api/profile')
        .set(bearer(token))
        .expect(403);
      expect(response.body).toEqual(
        forbidden('This credential lacks the scope profile:read'),
      );
      // The scope it has still works.
      await http.get('/api/data').set(bearer(token)).expect(200);
    });

    it('never reads `*` in an OAuth token as full access', async () => {
      const { token } = mint({ scope: '*' });
      const response = await http
        .get('/api/profile')
        .set(bearer(token))
        .expect(403);
      expect(response.body.message).toBe(
        'This credential lacks the scope profile:read',
      );
    });

    it('counts against the user’s own data allowance', async () => {
      const { token } = mint();
      const before = await http
        .get('/api/data/allowance')
        .set(bearer(alice.accessToken))
        .expect(200);
      await http.get('/api/data').set(bearer(token)).expect(200);
      const after = await http
        .get('/api/data/allowance')
        .set(bearer(token))
        .expect(200);
      expect(after.body.remaining).toBe(before.body.remaining - 1);
    });

    it('is refused once the user is disabled, and for a user that does not exist', async () => {
      const bob = await registerUser(http);
      const { token } = mint({ sub: bob.id });
      await http.get('/api/data').set(bearer(token)).expect(200);
      await http
        .patch(`/api/users/${bob.id}`)
        .set(bearer(adminToken))
        .send({ disabled: true })
        .expect(200);
      await expectInvalid(token, '/api/data');
      await expectInvalid(mint({ sub: randomUUID() }).token);
    });
  });

  describe('a client-credentials token (it acts for the client)', () => {
    it('reads /api/data, which names the client', async () => {
      const { token } = mintForClient();
      const response = await http
        .get('/api/data')
        .set(bearer(token))
        .expect(200);
      expect(response.body).toEqual(dataFor(CLIENT_ID));
    });

    it('is logged as the client, with no user', async () => {
      const logs = captureLogs();
      try {
        const client = await http
          .get('/api/data')
          .set(bearer(mintForClient().token))
          .expect(200);
        expect(await logs.requestLines(client.headers['x-request-id'])).toEqual(
          [expect.objectContaining({ user_id: null, client_id: CLIENT_ID })],
        );
        const user = await http
          .get('/api/data')
          .set(bearer(mint().token))
          .expect(200);
        expect(await logs.requestLines(user.headers['x-request-id'])).toEqual([
          expect.objectContaining({ user_id: alice.id, client_id: CLIENT_ID }),
        ]);
      } finally {
        logs.restore();
      }
    });

    it('is a principal of kind client, with no roles', async () => {
      const { token, payload } = mintForClient();
      const response = await http
        .get('/api/oauth-probe/any')
        .set(bearer(token))
        .expect(200);
      expect(response.body).toEqual({
        id: CLIENT_ID,
        username: CLIENT_ID,
        roles: [],
        scopes: ['data:read'],
        scheme: 'oauth',
        credentialId: payload.jti,
        expiresAt: payload.exp,
        kind: 'client',
        clientId: CLIENT_ID,
      });
    });

    it.each(['/api/profile', '/api/profile/usage', '/api/oauth-probe/users'])(
      'answers 403 on %s, a route that acts for a user',
      async (path) => {
        const { token } = mintForClient({ scope: 'data:read profile:read' });
        const response = await http.get(path).set(bearer(token)).expect(403);
        expect(response.body).toEqual(
          forbidden(
            `This route acts for a user; a client-credentials token acts for the client '${CLIENT_ID}'`,
          ),
        );
      },
    );

    it('has a data allowance of its own, apart from any user’s', async () => {
      const clientId = `gh_allowance${randomUUID().slice(0, 8)}`;
      const { token } = mintForClient({ sub: clientId, client_id: clientId });
      const first = await http.get('/api/data').set(bearer(token)).expect(200);
      const second = await http.get('/api/data').set(bearer(token)).expect(200);
      const remaining = (r: Response) =>
        Number(r.headers['ratelimit-remaining']);
      expect(remaining(second)).toBe(remaining(first) - 1);
      const allowance = await http
        .get('/api/data/allowance')
        .set(bearer(token))
        .expect(200);
      expect(allowance.body).toMatchObject({
        remaining: allowance.body.limit - 2,
        api_keys: [],
      });
      // A user's token for the same client counts against the user, not the client.
      await http
        .get('/api/data')
        .set(bearer(mint({ client_id: clientId }).token));
      const again = await http
        .get('/api/data/allowance')
        .set(bearer(token))
        .expect(200);
      expect(again.body.remaining).toBe(allowance.body.remaining);
    });
  });

  describe('refusals (401, invalid_token)', () => {
    it('refuses a token of another issuer, audience or type', async () => {
      await expectInvalid(mint({ aud: 'https://elsewhere.example/api' }).token);
      await expectInvalid(mint({ aud: t.config.jwtAudience }).token);
      await expectInvalid(mint({ iss: 'https://evil.example' }).token);
      await expectInvalid(mint({}, 'JWT').token);
      // An ID token's type, on the right issuer and audience, is not an access token either.
      await expectInvalid(mint({}, 'dpop+jwt').token);
    });

    it('refuses an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectInvalid(mint({ iat: now - 1000, exp: now - 1 }).token);
    });

    it('says what an opaque OAuth token is good for', async () => {
      const response = await http
        .get('/api/data')
        .set(bearer('n6Vh1YpQb3cJx0kqFq2Zl8dUoTtRr4sWm5yXe7aBc9D'))
        .expect(401);
      expect(response.body).toEqual(
        unauthorized(
          'This access token is not a JWT: an opaque OAuth access token is good only at /oauth/userinfo; ask for an API scope (e.g. data:read) to get one for the API',
        ),
      );
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const { token } = mint({ scope: 'data:read' });
      const [header, , signature] = token.split('.');
      const forged = Buffer.from(
        JSON.stringify(claims({ scope: 'data:read profile:read' })),
      ).toString('base64url');
      await expectInvalid(`${header}.${forged}.${signature}`);
    });

    it('refuses a token signed by a key that is not ours', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const token = await new SignJWT(claims())
        .setProtectedHeader({
          alg: 'ES256',
          typ: 'at+jwt',
          kid: 'not-a-kid-of-ours-0000000000000000000000000',
        })
        .sign(privateKey);
      await expectInvalid(token);
      // Nor one that borrows our kid.
      const [ours] = keys.jwks();
      const borrowed = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ours.kid })
        .sign(privateKey);
      await expectInvalid(borrowed);
    });

    it.each(['client_id', 'jti', 'sub', 'scope'])(
      'refuses a token without %s',
      async (claim) => {
        await expectInvalid(mint({ [claim]: undefined }).token);
      },
    );

    it.each([
      [
        'its grant',
        (p: Record<string, unknown>) =>
          oauthRevocationKey('grant', p.gid as string),
      ],
      [
        'its client',
        (p: Record<string, unknown>) =>
          oauthRevocationKey('client', p.client_id as string),
      ],
      [
        'its jti',
        (p: Record<string, unknown>) =>
          oauthRevocationKey('jti', p.jti as string),
      ],
    ])(
      'refuses a token from the request after %s is blacklisted',
      async (_, keyOf) => {
        const clientId = `gh_revoke${randomUUID().slice(0, 8)}`;
        const { token, payload } = mint({ client_id: clientId });
        // Accepted first, so it sits in the verified-token cache.
        await http.get('/api/data').set(bearer(token)).expect(200);
        await http.get('/api/data').set(bearer(token)).expect(200);
        await revocation.revoke(keyOf(payload), payload.exp as number);
        await expectInvalid(token, '/api/data');
        await expectInvalid(token, '/api/data');
      },
    );

    it('refuses a client-credentials token once its client is blacklisted', async () => {
      const clientId = `gh_gone${randomUUID().slice(0, 8)}`;
      const { token, payload } = mintForClient({
        sub: clientId,
        client_id: clientId,
      });
      await http.get('/api/data').set(bearer(token)).expect(200);
      await revocation.revoke(
        oauthRevocationKey('client', clientId),
        payload.exp as number,
      );
      await expectInvalid(token, '/api/data');
    });
  });

  describe('the two kinds of bearer token, told apart by issuer', () => {
    it('refuses an OAuth token on a route that accepts only Gatehouse’s own tokens', async () => {
      const response = await http
        .get('/api/protected')
        .set(bearer(mint().token))
        .expect(401);
      expect(response.body).toEqual(
        unauthorized(
          'This route does not accept OAuth access tokens; it accepts only: jwt',
        ),
      );
      expect(response.headers['www-authenticate']).toBe(
        REJECTED_BEARER_CHALLENGE,
      );
    });

    it('refuses a Gatehouse token on a route that accepts only OAuth tokens', async () => {
      const response = await http
        .get('/api/oauth-probe/any')
        .set(bearer(alice.accessToken))
        .expect(401);
      expect(response.body).toEqual(
        unauthorized(
          'This route does not accept Gatehouse access tokens from /api/login; it accepts only: oauth',
        ),
      );
    });

    it('never lets an OAuth token create credentials or change the account', async () => {
      const { token } = mint({ scope: 'data:read profile:read' });
      for (const [method, path] of [
        ['post', '/api/api-keys'],
        ['post', '/api/profile/password'],
        ['patch', '/api/profile'],
        ['get', '/api/sessions'],
        ['get', '/api/users'],
        ['post', '/api/logout/all'],
      ] as const) {
        const response = await http[method](path).set(bearer(token)).send({});
        expect({ path, status: response.status }).toEqual({
          path,
          status: 401,
        });
        expect(response.body.message).toMatch(
          /^This route does not accept OAuth access tokens/,
        );
      }
    });

    it('still serves Gatehouse’s own tokens on the routes that take both', async () => {
      const response = await http
        .get('/api/data')
        .set(bearer(alice.accessToken))
        .expect(200);
      expect(response.body).toEqual(dataFor(alice.username));
    });
  });

  describe('DPoP-bound tokens (cnf.jkt)', () => {
    let proofKey: ProofKey;
    let proofJwk: JWK;
    let jkt: string;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      proofKey = pair.privateKey;
      proofJwk = await exportJWK(pair.publicKey);
      jkt = await calculateJwkThumbprint(proofJwk);
    });

    async function proof(
      token: string,
      changes: Record<string, unknown> = {},
      key: ProofKey = proofKey,
      jwk: JWK = proofJwk,
    ): Promise<string> {
      return new SignJWT({
        htm: 'GET',
        htu: `${t.config.issuerUrl}/api/data`,
        ath: accessTokenHash(token),
        jti: randomUUID(),
        iat: Math.floor(Date.now() / 1000),
        ...changes,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(key);
    }

    it('accepts a bound token with a proof for this request, every time with a new proof', async () => {
      const { token } = mint({ cnf: { jkt } });
      for (let i = 0; i < 2; i += 1) {
        const response = await http
          .get('/api/data')
          .set(dpop(token))
          .set('DPoP', await proof(token))
          .expect(200);
        expect(response.body).toEqual(dataFor(alice.username));
      }
    });

    it('refuses a proof sent a second time', async () => {
      const { token } = mint({ cnf: { jkt } });
      const once = await proof(token);
      await http
        .get('/api/data')
        .set(dpop(token))
        .set('DPoP', once)
        .expect(200);
      const replayed = await http
        .get('/api/data')
        .set(dpop(token))
        .set('DPoP', once)
        .expect(401);
      expect(replayed.body.message).toBe(
        'Invalid DPoP proof: the DPoP proof was used before (make one per request)',
      );
    });

    it('accepts the proof’s htu with a query string on the request', async () => {
      const { token } = mint({ cnf: { jkt } });
      await http
        .get('/api/data?page=2')
        .set(dpop(token))
        .set('DPoP', await proof(token))
        .expect(200);
    });

    it('refuses a bound token sent as a bearer token', async () => {
      const { token } = mint({ cnf: { jkt } });
      const response = await http
        .get('/api/data')
        .set(bearer(token))
        .set('DPoP', await proof(token))
        .expect(401);
      expect(response.body.message).toBe(
        "This access token is bound to a DPoP key: send it as 'Authorization: DPoP <token>' with a DPoP proof header",
      );
    });

    it('refuses a bound token without a proof', async () => {
      const { token } = mint({ cnf: { jkt } });
      const response = await http.get('/api/data').set(dpop(token)).expect(401);
      expect(response.body).toEqual(
        unauthorized(
          'A DPoP-bound access token needs a DPoP proof in the DPoP header (one per request)',
        ),
      );
    });

    it.each([
      [
        'another URL',
        { htu: `${'http://localhost:1'}/api/data` },
        "Invalid DPoP proof: the DPoP proof's htu is not this request's URL",
      ],
      [
        'another path',
        { htu: 'PLACEHOLDER/api/profile' },
        "Invalid DPoP proof: the DPoP proof's htu is not this request's URL",
      ],
      [
        'another method',
        { htm: 'POST' },
        "Invalid DPoP proof: the DPoP proof's htm is not this request's method (GET)",
      ],
      [
        'another access token',
        { ath: accessTokenHash('some other token') },
        'Invalid DPoP proof: the DPoP proof was made for another access token (ath)',
      ],
      [
        'an old proof',
        { iat: Math.floor(Date.now() / 1000) - 600 },
        'Invalid DPoP proof: the DPoP proof is too old or from the future (make one per request)',
      ],
    ])('refuses a proof for %s', async (_, changes, message) => {
      const { token } = mint({ cnf: { jkt } });
      const fixed = Object.fromEntries(
        Object.entries(changes).map(([name, value]) => [
          name,
          typeof value === 'string'
            ? value.replace('PLACEHOLDER', t.config.issuerUrl)
            : value,
        ]),
      );
      const response = await http
        .get('/api/data')
        .set(dpop(token))
        .set('DPoP', await proof(token, fixed))
        .expect(401);
      expect(response.body.message).toEqual(expect.stringContaining(message));
    });

    it('refuses a proof signed by another key than the bound one', async () => {
      const { token } = mint({ cnf: { jkt } });
      const other = await generateKeyPair('ES256');
      const response = await http
        .get('/api/data')
        .set(dpop(token))
        .set(
          'DPoP',
          await proof(
            token,
            {},
            other.privateKey,
            await exportJWK(other.publicKey),
          ),
        )
        .expect(401);
      expect(response.body.message).toBe(
        'Invalid DPoP proof: the DPoP proof is signed by another key than the one the token is bound to',
      );
    });

    it('refuses an unbound token sent with the DPoP scheme', async () => {
      const { token } = mint();
      const response = await http
        .get('/api/data')
        .set(dpop(token))
        .set('DPoP', await proof(token))
        .expect(401);
      expect(response.body.message).toBe(
        "This access token is not DPoP-bound: send it as 'Authorization: Bearer <token>'",
      );
    });
  });
});

describe('OAuth access tokens under JWT_ALGORITHM=HS256 (no keystore)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { JWT_ALGORITHM: 'HS256' } });
  });

  afterAll(() => t.close());

  it('refuses them with a message that says why, and still takes its own tokens', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: t.config.issuerUrl,
      aud: t.config.oauthApiResource,
      sub: randomUUID(),
      client_id: CLIENT_ID,
      scope: 'data:read',
      jti: randomUUID(),
      exp: now + 900,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' })
      .sign(privateKey);
    const response = await t.http
      .get('/api/data')
      .set(bearer(token))
      .expect(401);
    expect(response.body).toEqual(
      unauthorized(
        'OAuth access tokens need asymmetric signing keys; under JWT_ALGORITHM=HS256 there are none',
      ),
    );
    const user = await registerUser(t.http);
    await t.http.get('/api/data').set(bearer(user.accessToken)).expect(200);
  });
});
