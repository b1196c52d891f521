import { randomUUID } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import {
  BLACKLIST_RELOAD_PAGE,
  RevocationService,
} from '../src/tokens/revocation.service';
import { RevokedToken } from '../src/tokens/revoked-token.entity';
import { jsonwebtokenModule } from './support/spied-modules';
import { createTestApp, restart, type TestApp } from './support/app';
import {
  loginAs,
  registerUser,
  uniqueUsername,
  withAlteredSignature,
} from './support/factories';
import { basic, bearer } from './support/http';

const REJECTED_BEARER =
  'Bearer realm="gatehouse", error="invalid_token", error_description="The access token is invalid, expired or revoked"';
const ACCESS_TTL_SECONDS = 900;

type Json = Record<string, unknown>;

function decodeSegment(token: string, index: 0 | 1): Json {
  const segment = token.split('.')[index];
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Json;
}

function encodeSegment(value: Json): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

interface CraftOptions {
  /** Claims to add or replace; `undefined` removes the claim. */
  claims?: Json;
  secret?: string;
  algorithm?: jwt.Algorithm;
}

/** An access token built outside the app, right in every respect unless told otherwise. */
function craftToken(
  t: TestApp,
  user: { id: string; username: string },
  options: CraftOptions = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Json = {
    sub: user.id,
    username: user.username,
    roles: ['user'],
    scope: '*',
    jti: randomUUID(),
    iat: now,
    exp: now + ACCESS_TTL_SECONDS,
    iss: t.config.jwtIssuer,
    aud: t.config.jwtAudience,
    typ: 'access',
    ...options.claims,
  };
  for (const [claim, value] of Object.entries(payload)) {
    if (value === undefined) {
      delete payload[claim];
    }
  }
  return jwt.sign(payload, options.secret ?? t.config.jwtSecret, {
    algorithm: options.algorithm ?? 'HS256',
  });
}

async function expectTokenRejected(
  t: TestApp,
  token: string,
  path = '/api/protected',
): Promise<void> {
  const response = await t.http.get(path).set(bearer(token)).expect(401);
  expect(response.headers['www-authenticate']).toContain(REJECTED_BEARER);
  expect(response.body).toEqual({
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Invalid, expired or revoked access token',
  });
}

/** Waits until 20 ms past the next whole second of the wall clock. */
function justAfterASecondBoundary(): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, 1000 - (Date.now() % 1000) + 20),
  );
}

async function expectTokenAccepted(
  t: TestApp,
  token: string,
  username: string,
): Promise<void> {
  const response = await t.http
    .get('/api/protected')
    .set(bearer(token))
    .expect(200);
  expect(response.body).toEqual({ message: `Hello, ${username}!` });
}

async function expectRefreshRejected(
  t: TestApp,
  refreshToken: string,
): Promise<void> {
  const response = await t.http
    .post('/api/refresh')
    .send({ refresh_token: refreshToken })
    .expect(401);
  expect(response.body).toEqual({
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Invalid, expired or already used refresh token',
  });
}

/** Refreshes, asserting a full new pair, and returns it. */
async function refreshPair(
  t: TestApp,
  refreshToken: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await t.http
    .post('/api/refresh')
    .send({ refresh_token: refreshToken })
    .expect(200);
  expect(response.body).toEqual({
    access_token: expect.any(String),
    refresh_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: ACCESS_TTL_SECONDS,
  });
  return {
    accessToken: response.body.access_token,
    refreshToken: response.body.refresh_token,
  };
}

async function expectLoginRejected(
  t: TestApp,
  username: string,
  password: string,
): Promise<void> {
  const response = await t.http
    .post('/api/login')
    .send({ username, password })
    .expect(401);
  expect(response.body.message).toBe('Invalid username or password');
}

async function revokedRows(t: TestApp, jti: string): Promise<number> {
  // The jti is a UUID read from our own token: safe to inline, and portable across databases.
  expect(jti).toMatch(/^[0-9a-f-]{36}$/);
  const rows: Array<{ n: number | string }> = await t.app
    .get(DataSource)
    .query(`select count(*) as n from revoked_tokens where jti = '${jti}'`);
  return Number(rows[0].n);
}

// JWT_ALGORITHM=HS256 keeps the behaviour before asymmetric keys: this file proves it (it crafts
// tokens with JWT_SECRET). ES256/EdDSA tokens: test/signing-keys.e2e-spec.ts.
const HS256 = { JWT_ALGORITHM: 'HS256' };

describe('tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        ...HS256,
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: 'root-password-1',
        // Strict rotation: a spent token is refused at once. The grace has its own file,
        // refresh-reuse.e2e-spec.ts.
        REFRESH_REUSE_GRACE: '0',
      },
    });
  });
  afterAll(() => t.close());

  describe('access token claims', () => {
    it('carries the contract claims, signed HS256, expiring 900 s after issue', async () => {
      const username = uniqueUsername();
      const response = await t.http
        .post('/api/register')
        .send({ username, password: 'correct horse 1' })
        .expect(201);
      const token: string = response.body.access_token;

      expect(decodeSegment(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const claims = decodeSegment(token, 1);
      expect(claims).toEqual({
        sub: response.body.user.id,
        username,
        roles: ['user'],
        scope: '*',
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
        iat: expect.any(Number),
        exp: expect.any(Number),
        iss: 'gatehouse',
        aud: 'gatehouse-api',
        typ: 'access',
      });
      expect(claims.exp).toBe(Number(claims.iat) + ACCESS_TTL_SECONDS);
      expect(
        Math.abs(Number(claims.iat) - Date.now() / 1000),
      ).toBeLessThanOrEqual(5);
      expect(response.body.expires_in).toBe(ACCESS_TTL_SECONDS);
    });

    it('gives every token its own jti', async () => {
      const user = await registerUser(t.http);
      const second = await loginAs(t.http, user.username, user.password);
      expect(decodeSegment(second.accessToken, 1).jti).not.toBe(
        decodeSegment(user.accessToken, 1).jti,
      );
    });
  });

  describe('GET /api/protected (strict token checks)', () => {
    it('accepts a token crafted with every claim right (the control for the cases below)', async () => {
      const user = await registerUser(t.http);
      await expectTokenAccepted(t, craftToken(t, user), user.username);
    });

    it('refuses an unsigned token with alg none', async () => {
      const user = await registerUser(t.http);
      const valid = craftToken(t, user);
      const unsigned = `${encodeSegment({ alg: 'none', typ: 'JWT' })}.${valid.split('.')[1]}.`;
      await expectTokenRejected(t, unsigned);
    });

    it('refuses a token signed HS512, even with the right secret', async () => {
      const user = await registerUser(t.http);
      const token = craftToken(t, user, { algorithm: 'HS512' });
      expect(decodeSegment(token, 0).alg).toBe('HS512');
      await expectTokenRejected(t, token);
    });

    it('refuses a token signed with another secret', async () => {
      const user = await registerUser(t.http);
      await expectTokenRejected(
        t,
        craftToken(t, user, { secret: 'x'.repeat(48) }),
      );
    });

    it('refuses a token from another issuer', async () => {
      const user = await registerUser(t.http);
      await expectTokenRejected(
        t,
        craftToken(t, user, { claims: { iss: 'someone-else' } }),
      );
    });

    it('refuses a token meant for another audience', async () => {
      const user = await registerUser(t.http);
      await expectTokenRejected(
        t,
        craftToken(t, user, { claims: { aud: 'another-api' } }),
      );
    });

    it('refuses a token of type refresh', async () => {
      const user = await registerUser(t.http);
      await expectTokenRejected(
        t,
        craftToken(t, user, { claims: { typ: 'refresh' } }),
      );
    });

    it('refuses a token without exp', async () => {
      const user = await registerUser(t.http);
      const token = craftToken(t, user, { claims: { exp: undefined } });
      expect(decodeSegment(token, 1)).not.toHaveProperty('exp');
      await expectTokenRejected(t, token);
    });

    it('refuses an expired token', async () => {
      const user = await registerUser(t.http);
      const now = Math.floor(Date.now() / 1000);
      await expectTokenRejected(
        t,
        craftToken(t, user, { claims: { iat: now - 1000, exp: now - 100 } }),
      );
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const user = await registerUser(t.http);
      const other = await registerUser(t.http);
      const [header, payload, signature] = user.accessToken.split('.');
      const claims = JSON.parse(
        Buffer.from(payload, 'base64url').toString('utf8'),
      ) as Json;
      const tampered = `${header}.${encodeSegment({ ...claims, username: other.username })}.${signature}`;
      await expectTokenRejected(t, tampered);
      await expectTokenAccepted(t, user.accessToken, user.username);
    });
  });

  describe('POST /api/refresh', () => {
    it('returns a new pair whose access token works', async () => {
      const user = await registerUser(t.http);
      const pair = await refreshPair(t, user.refreshToken);
      expect(pair.accessToken).not.toBe(user.accessToken);
      expect(pair.refreshToken).not.toBe(user.refreshToken);
      await expectTokenAccepted(t, pair.accessToken, user.username);
      expect(decodeSegment(pair.accessToken, 1).sub).toBe(user.id);
    });

    it('revokes the whole family when a used token is replayed (no grace), the newest token included', async () => {
      const user = await registerUser(t.http);
      const otherLogin = await loginAs(t.http, user.username, user.password);
      const rotated = await refreshPair(t, user.refreshToken);

      await expectRefreshRejected(t, user.refreshToken);
      await expectRefreshRejected(t, rotated.refreshToken);

      // Another login is another family: untouched.
      const fromOtherFamily = await refreshPair(t, otherLogin.refreshToken);
      await expectTokenAccepted(t, fromOtherFamily.accessToken, user.username);
    });

    it('refuses a refresh token it never issued', async () => {
      await expectRefreshRejected(t, 'not-a-refresh-token');
      const response = await t.http
        .post('/api/refresh')
        .send({ refresh_token: 'x'.repeat(200) })
        .expect(401);
      expect(response.headers['www-authenticate']).toBe(REJECTED_BEARER);
    });

    it('answers 400 naming refresh_token when it is missing', async () => {
      const response = await t.http.post('/api/refresh').send({}).expect(400);
      expect(response.body.statusCode).toBe(400);
      expect(response.body.message).toContain('refresh_token');
    });

    it('accepts the refresh token in an HTML form body', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/refresh')
        .type('form')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      await expectTokenAccepted(t, response.body.access_token, user.username);
      await expectRefreshRejected(t, user.refreshToken);
    });

    it('treats concurrent uses of one token as reuse without a grace: at most one pair comes back, and the family dies', async () => {
      const user = await registerUser(t.http);
      // Repeated so that both orders of the race (the replay landing before or after the
      // winner has inserted its successor) are exercised.
      for (let round = 0; round < 8; round += 1) {
        const login = await loginAs(t.http, user.username, user.password);
        const responses = await Promise.all(
          Array.from({ length: 5 }, () =>
            t.http
              .post('/api/refresh')
              .send({ refresh_token: login.refreshToken }),
          ),
        );
        const statuses = responses.map((response) => response.status);
        expect(
          statuses.filter((status) => status === 200).length,
        ).toBeLessThanOrEqual(1);
        expect(
          statuses
            .filter((status) => status !== 200)
            .every((status) => status === 401),
        ).toBe(true);
        for (const response of responses.filter((r) => r.status === 200)) {
          await expectRefreshRejected(t, response.body.refresh_token);
        }
        await expectRefreshRejected(t, login.refreshToken);
      }
    });
  });

  describe('POST /api/logout', () => {
    it('revokes the access token used, and no other', async () => {
      const user = await registerUser(t.http);
      const second = await loginAs(t.http, user.username, user.password);
      const response = await t.http
        .post('/api/logout')
        .set(bearer(user.accessToken))
        .expect(204);
      expect(response.text).toBe('');

      await expectTokenRejected(t, user.accessToken);
      await expectTokenRejected(t, user.accessToken, '/api/profile');
      await expectTokenAccepted(t, second.accessToken, user.username);
      // Without the refresh token in the body, its family lives on.
      await refreshPair(t, user.refreshToken);
    });

    it('revokes the family of the refresh token sent in the body', async () => {
      const user = await registerUser(t.http);
      const second = await loginAs(t.http, user.username, user.password);
      const rotated = await refreshPair(t, user.refreshToken);
      await t.http
        .post('/api/logout')
        .set(bearer(rotated.accessToken))
        .send({ refresh_token: rotated.refreshToken })
        .expect(204);

      await expectRefreshRejected(t, rotated.refreshToken);
      await expectTokenRejected(t, rotated.accessToken);
      await refreshPair(t, second.refreshToken);
    });

    it('leaves alone a refresh token of another user sent in the body', async () => {
      const user = await registerUser(t.http);
      const victim = await registerUser(t.http);
      await t.http
        .post('/api/logout')
        .set(bearer(user.accessToken))
        .send({ refresh_token: victim.refreshToken })
        .expect(204);
      await refreshPair(t, victim.refreshToken);
    });

    it('answers 401 with a Bearer challenge when no token is sent', async () => {
      const response = await t.http.post('/api/logout').expect(401);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="gatehouse"',
      );
      expect(response.body.message).toBe('Authentication required');
    });
  });

  describe('POST /api/logout/all', () => {
    it('revokes every access and refresh token of the user, but not a login made right after', async () => {
      const user = await registerUser(t.http);
      const second = await loginAs(t.http, user.username, user.password);
      const bystander = await registerUser(t.http);

      await t.http
        .post('/api/logout/all')
        .set(bearer(user.accessToken))
        .expect(204);

      await expectTokenRejected(t, user.accessToken);
      await expectTokenRejected(t, second.accessToken);
      await expectTokenRejected(t, second.accessToken, '/api/profile');
      await expectRefreshRejected(t, user.refreshToken);
      await expectRefreshRejected(t, second.refreshToken);

      // Same second as the logout: the new tokens must not be born revoked.
      const fresh = await loginAs(t.http, user.username, user.password);
      await expectTokenAccepted(t, fresh.accessToken, user.username);
      await refreshPair(t, fresh.refreshToken);

      await expectTokenAccepted(t, bystander.accessToken, bystander.username);
    });

    it('revokes a token issued between two logouts within the same second', async () => {
      const user = await registerUser(t.http);
      // All three requests in one wall-clock second.
      await justAfterASecondBoundary();
      await t.http
        .post('/api/logout/all')
        .set(bearer(user.accessToken))
        .expect(204);
      const between = await loginAs(t.http, user.username, user.password);
      await t.http
        .post('/api/logout/all')
        .set(basic(user.username, user.password))
        .expect(204);
      await expectTokenRejected(t, between.accessToken);
      await expectRefreshRejected(t, between.refreshToken);
    });

    it('accepts Basic credentials', async () => {
      const user = await registerUser(t.http);
      await t.http
        .post('/api/logout/all')
        .set(basic(user.username, user.password))
        .expect(204);

      await expectTokenRejected(t, user.accessToken);
      await expectRefreshRejected(t, user.refreshToken);
      const fresh = await loginAs(t.http, user.username, user.password);
      await expectTokenAccepted(t, fresh.accessToken, user.username);
    });
  });

  describe('POST /api/profile/password', () => {
    it('changes the password and revokes every other credential, keeping the caller’s token', async () => {
      const user = await registerUser(t.http);
      const other = await loginAs(t.http, user.username, user.password);
      const newPassword = 'battery staple 2';

      await t.http
        .post('/api/profile/password')
        .set(bearer(user.accessToken))
        .send({ current_password: user.password, new_password: newPassword })
        .expect(204);

      await expectLoginRejected(t, user.username, user.password);
      const fresh = await loginAs(t.http, user.username, newPassword);
      await expectTokenAccepted(t, fresh.accessToken, user.username);

      await expectTokenRejected(t, other.accessToken);
      await expectTokenAccepted(t, user.accessToken, user.username);
      await expectRefreshRejected(t, user.refreshToken);
      await expectRefreshRejected(t, other.refreshToken);
    });

    it('answers 403 when current_password is wrong, changing nothing', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/profile/password')
        .set(bearer(user.accessToken))
        .send({
          current_password: 'not the password',
          new_password: 'battery staple 2',
        })
        .expect(403);
      expect(response.body.message).toBe('current_password is incorrect');
      await expectLoginRejected(t, user.username, 'battery staple 2');
      await loginAs(t.http, user.username, user.password);
      await refreshPair(t, user.refreshToken);
    });

    it('answers 400 when the new password is the current one', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/profile/password')
        .set(bearer(user.accessToken))
        .send({ current_password: user.password, new_password: user.password })
        .expect(400);
      expect(response.body.message).toBe(
        'new_password must differ from current_password',
      );
      await refreshPair(t, user.refreshToken);
    });

    it('answers 400 naming new_password when it is too short', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/profile/password')
        .set(bearer(user.accessToken))
        .send({ current_password: user.password, new_password: 'short' })
        .expect(400);
      expect(response.body.message).toContain('new_password');
      await expectLoginRejected(t, user.username, 'short');
      await loginAs(t.http, user.username, user.password);
    });
  });

  describe('the revoked_tokens blacklist', () => {
    it('keeps an entry while its token is unexpired and prunes it once expired', async () => {
      const user = await registerUser(t.http);
      const jti = String(decodeSegment(user.accessToken, 1).jti);
      expect(await revokedRows(t, jti)).toBe(0);

      await t.http
        .post('/api/logout')
        .set(bearer(user.accessToken))
        .expect(204);
      expect(await revokedRows(t, jti)).toBe(1);

      const revocation = t.app.get(RevocationService);
      await revocation.prune(Date.now());
      expect(await revokedRows(t, jti)).toBe(1);
      await expectTokenRejected(t, user.accessToken);

      const pruned = await revocation.prune(Date.now() + 16 * 60 * 1000);
      expect(pruned).toBeGreaterThanOrEqual(1);
      expect(await revokedRows(t, jti)).toBe(0);
    });

    it('reloads a blacklist of several pages into memory, every entry found', async () => {
      // More rows than one reload page, inserted behind the service's back: only a reload can
      // put them in memory, and a jti missing there would be answered "not revoked".
      const page = BLACKLIST_RELOAD_PAGE;
      const jtis = Array.from({ length: 2 * page + 1 }, () => randomUUID());
      const expiresAt = new Date(Date.now() + 60 * 60 * 1000);
      const table = t.app.get(DataSource).getRepository(RevokedToken);
      for (let start = 0; start < jtis.length; start += 400) {
        await table.insert(
          jtis.slice(start, start + 400).map((jti) => ({ jti, expiresAt })),
        );
      }
      const revocation = t.app.get(RevocationService);
      const sorted = [...jtis].sort();
      const probes = [
        sorted[0],
        sorted[page - 1],
        sorted[page],
        sorted.at(-1)!,
      ];
      for (const jti of probes) {
        expect(await revocation.isRevoked(jti)).toBe(false);
      }

      await revocation.prune(Date.now());

      for (const jti of [...probes, ...jtis.filter((_, i) => i % 7 === 0)]) {
        expect(await revocation.isRevoked(jti)).toBe(true);
      }
      expect(await revocation.isRevoked(randomUUID())).toBe(false);
    });
  });

  describe('PATCH /api/users/:id disabled', () => {
    it('kills the user’s tokens and login; re-enabling restores login but not the old tokens', async () => {
      const admin = await loginAs(t.http, 'root', 'root-password-1');
      const user = await registerUser(t.http);
      const second = await loginAs(t.http, user.username, user.password);

      const disabled = await t.http
        .patch(`/api/users/${user.id}`)
        .set(bearer(admin.accessToken))
        .send({ disabled: true })
        .expect(200);
      expect(disabled.body.user).toMatchObject({ id: user.id, disabled: true });

      await expectTokenRejected(t, user.accessToken);
      await expectRefreshRejected(t, user.refreshToken);
      await expectLoginRejected(t, user.username, user.password);

      const enabled = await t.http
        .patch(`/api/users/${user.id}`)
        .set(bearer(admin.accessToken))
        .send({ disabled: false })
        .expect(200);
      expect(enabled.body.user).toMatchObject({ id: user.id, disabled: false });

      const fresh = await loginAs(t.http, user.username, user.password);
      await expectTokenAccepted(t, fresh.accessToken, user.username);
      await expectTokenRejected(t, user.accessToken);
      await expectTokenRejected(t, second.accessToken);
      await expectRefreshRejected(t, user.refreshToken);
      await expectRefreshRejected(t, second.refreshToken);
    });
  });
});

describe('tokens across a restart', () => {
  // Its own app: restarting the shared one would pull it from under the other tests.
  let first: TestApp;
  let current: TestApp;
  beforeAll(async () => {
    // No reuse grace: the spent token is refused at once after the restart.
    first = await createTestApp({
      env: { ...HS256, REFRESH_REUSE_GRACE: '0' },
    });
    current = first;
  });
  afterAll(async () => {
    if (current !== first) {
      await current.close();
    }
    // Drops the database and the data folder the restarted app shared.
    await first.close();
  });

  it('keeps revoked tokens revoked and valid tokens valid', async () => {
    const loggedOut = await registerUser(current.http);
    const kept = await registerUser(current.http);
    await current.http
      .post('/api/logout')
      .set(bearer(loggedOut.accessToken))
      .expect(204);
    const secret = current.config.jwtSecret;

    current = await restart(current);

    expect(current.config.jwtSecret).toBe(secret);
    await expectTokenRejected(current, loggedOut.accessToken);
    await expectTokenAccepted(current, kept.accessToken, kept.username);
    const pair = await refreshPair(current, kept.refreshToken);
    await expectTokenAccepted(current, pair.accessToken, kept.username);
    await expectRefreshRejected(current, kept.refreshToken);
  });
});

describe('a token verified before, once it expires', () => {
  // Tokens that live two seconds: the first request verifies the signature and caches the
  // result; the cache must still let the token expire on time. `exp` is the whole-second `iat`
  // plus the lifetime, so a token issued late in a second lives up to a second less: each test
  // registers just after a second boundary (with one second of life, a registration at .85 s
  // was refused on its next request).
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ...HS256, ACCESS_TOKEN_TTL: '2' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is verified by jsonwebtoken on its first request only', async () => {
    await justAfterASecondBoundary();
    const user = await registerUser(t.http);
    const verify = jest.spyOn(jsonwebtokenModule, 'verify');
    try {
      await expectTokenAccepted(t, user.accessToken, user.username);
      expect(verify).toHaveBeenCalledTimes(1);
      await expectTokenAccepted(t, user.accessToken, user.username);
      await expectTokenAccepted(t, user.accessToken, user.username);
      expect(verify).toHaveBeenCalledTimes(1);
      // One bit off is another token: verified, and refused.
      await expectTokenRejected(t, withAlteredSignature(user.accessToken));
      expect(verify).toHaveBeenCalledTimes(2);
    } finally {
      verify.mockRestore();
    }
  });

  it('is refused, as a token never seen before would be', async () => {
    await justAfterASecondBoundary();
    const user = await registerUser(t.http);
    const { exp } = decodeSegment(user.accessToken, 1) as { exp: number };
    await expectTokenAccepted(t, user.accessToken, user.username);
    await expectTokenAccepted(t, user.accessToken, user.username);

    await new Promise((resolve) =>
      setTimeout(resolve, exp * 1000 - Date.now() + 50),
    );

    await expectTokenRejected(t, user.accessToken);
  });
});

describe('a refresh token past REFRESH_TOKEN_TTL', () => {
  // Refresh tokens that live two seconds (stamped to the millisecond, unlike access tokens).
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_TOKEN_TTL: '2' } });
  });
  afterAll(() => t.close());

  it('is refused with 401 once its lifetime is over, though never used', async () => {
    const user = await registerUser(t.http);
    // Issued before this instant, so expired 2 s after it.
    const issuedBy = Date.now();
    // The control: a token of the same app, within its lifetime, is accepted.
    const control = await loginAs(t.http, user.username, user.password);
    await refreshPair(t, control.refreshToken);

    await new Promise((resolve) =>
      setTimeout(resolve, issuedBy + 2000 + 150 - Date.now()),
    );

    await expectRefreshRejected(t, user.refreshToken);
    const response = await t.http
      .post('/api/refresh')
      .send({ refresh_token: user.refreshToken })
      .expect(401);
    expect(response.headers['www-authenticate']).toBe(REJECTED_BEARER);
    // Only that token expired: a new login refreshes as usual.
    const fresh = await loginAs(t.http, user.username, user.password);
    const pair = await refreshPair(t, fresh.refreshToken);
    await expectTokenAccepted(t, pair.accessToken, user.username);
  });
});
