// API keys over HTTP: issuing, listing, using, scoping, revoking, and what the database keeps.
import { createHash } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { ApiKey } from '../src/api-keys/api-key.entity';
import type { AuthenticatedUser } from '../src/auth/authenticated-user';
import { Auth } from '../src/auth/decorators/auth.decorator';
import { CurrentUser } from '../src/auth/decorators/current-user.decorator';
import { Scopes } from '../src/auth/decorators/scopes.decorator';
import { cryptoModule } from './support/spied-modules';
import { createTestApp, type TestApp } from './support/app';
import { type RegisteredUser, registerUser } from './support/factories';
import { apiKey, basic, bearer, dataFor } from './support/http';

/** A route of our own, as a user of Gatehouse would declare it for a script. */
@Controller('key-reports')
class KeyReportsController {
  @Get()
  @Auth('api-key')
  @Scopes('reports:read')
  list(@CurrentUser() user: AuthenticatedUser) {
    return {
      id: user.id,
      username: user.username,
      scheme: user.scheme,
      credentialId: user.credentialId,
    };
  }
}

@Module({ controllers: [KeyReportsController] })
class KeyReportsModule {}

const ADMIN = { username: 'keymaster', password: 'keymaster-password-1' };
const KEY_FORMAT = /^gkey_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;
const API_KEY_CHALLENGE = 'ApiKey header="X-API-Key"';
const DAY_MS = 86_400_000;
const LISTED_FIELDS = [
  'created_at',
  'expires_at',
  'id',
  'last_used_at',
  'name',
  'prefix',
  'scopes',
];

interface CreatedKey {
  id: string;
  name: string;
  key: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
}

interface ListedKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

/** The part after `gkey_<id>_`: what only the key's holder knows. */
function secretOf(key: string): string {
  return key.slice('gkey_'.length + 8 + 1);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The same key with its last character changed: well-formed, wrong secret. */
function withWrongSecret(key: string): string {
  const last = key[key.length - 1];
  return key.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

function expectApiKeyRefusal(response: Response): void {
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toContain(API_KEY_CHALLENGE);
  expect(response.body).toEqual({
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Invalid, expired or revoked API key',
  });
}

/** A cookie session: the `sid` cookie's value and the CSRF token. */
async function signIn(
  http: TestAgent,
  user: RegisteredUser,
): Promise<{ cookie: string; csrf: string }> {
  const response = await http
    .post('/api/session')
    .send({ username: user.username, password: user.password })
    .expect(200);
  const setCookie = ([] as string[]).concat(
    response.headers['set-cookie'] ?? [],
  );
  const sid = setCookie
    .map((line) => /^sid=([^;]*)/.exec(line)?.[1])
    .find((value) => value);
  if (!sid) {
    throw new Error(`no sid cookie in ${JSON.stringify(setCookie)}`);
  }
  return { cookie: `sid=${sid}`, csrf: response.body.csrf_token };
}

describe('API keys', () => {
  let t: TestApp;
  let http: TestAgent;

  async function createKey(
    user: RegisteredUser,
    body: Record<string, unknown> = {},
  ): Promise<CreatedKey> {
    const response = await http
      .post('/api/api-keys')
      .set(bearer(user.accessToken))
      .send({ name: 'script', ...body });
    if (response.status !== 201) {
      throw new Error(
        `creating a key failed: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body as CreatedKey;
  }

  async function listKeys(user: RegisteredUser): Promise<ListedKey[]> {
    const response = await http
      .get('/api/api-keys')
      .set(bearer(user.accessToken))
      .expect(200);
    return response.body as ListedKey[];
  }

  function dataWith(key: string): Promise<Response> {
    return http.get('/api/data').set(apiKey(key));
  }

  async function expectDataFor(key: string, username: string): Promise<void> {
    const response = await dataWith(key);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(dataFor(username));
  }

  function dataSource(): DataSource {
    return t.app.get(DataSource);
  }

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
      imports: [KeyReportsModule],
    });
    http = t.http;
  });

  afterAll(() => t.close());

  describe('POST /api/api-keys', () => {
    it('issues a full-access key without expiry, in the contract’s format, usable at once', async () => {
      const user = await registerUser(http);
      const before = Date.now();
      const response = await http
        .post('/api/api-keys')
        .set(bearer(user.accessToken))
        .send({ name: 'nightly export' })
        .expect(201);
      const after = Date.now();
      const created: CreatedKey = response.body;

      expect(Object.keys(created).sort()).toEqual([
        'created_at',
        'expires_at',
        'id',
        'key',
        'name',
        'prefix',
        'scopes',
      ]);
      expect(created.key).toMatch(KEY_FORMAT);
      expect(created.id).toMatch(/^[a-z0-9]{8}$/);
      expect(created.prefix).toBe(`gkey_${created.id}`);
      expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
      expect(created.name).toBe('nightly export');
      expect(created.scopes).toEqual(['*']);
      expect(created.expires_at).toBeNull();
      const createdAt = Date.parse(created.created_at);
      expect(new Date(createdAt).toISOString()).toBe(created.created_at);
      expect(createdAt).toBeGreaterThanOrEqual(before - 1000);
      expect(createdAt).toBeLessThanOrEqual(after + 1000);

      await expectDataFor(created.key, user.username);
      const listed = await listKeys(user);
      expect(listed.map((key) => key.id)).toEqual([created.id]);
      expect(listed[0]).toMatchObject({
        name: 'nightly export',
        prefix: created.prefix,
        scopes: ['*'],
        created_at: created.created_at,
        expires_at: null,
      });
    });

    it('sets expires_at expires_in_days ahead and keeps the scopes asked for', async () => {
      const user = await registerUser(http);
      const before = Date.now();
      const created = await createKey(user, {
        scopes: ['data:read', 'profile:read'],
        expires_in_days: 7,
      });
      const after = Date.now();

      expect(created.scopes).toEqual(['data:read', 'profile:read']);
      expect(created.expires_at).not.toBeNull();
      const expiresAt = Date.parse(created.expires_at ?? '');
      expect(expiresAt).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 1000);
      expect(expiresAt).toBeLessThanOrEqual(after + 7 * DAY_MS + 1000);

      const [listed] = await listKeys(user);
      expect(listed.id).toBe(created.id);
      expect(listed.expires_at).toBe(created.expires_at);
      expect(listed.scopes).toEqual(['data:read', 'profile:read']);
      await expectDataFor(created.key, user.username);
    });

    it('issues a key to a cookie session that sends its CSRF token', async () => {
      const user = await registerUser(http);
      const { cookie, csrf } = await signIn(http, user);
      const response = await http
        .post('/api/api-keys')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .send({ name: 'from the browser' })
        .expect(201);
      expect(response.body.key).toMatch(KEY_FORMAT);
      expect(response.body.name).toBe('from the browser');

      await expectDataFor(response.body.key, user.username);
      const listed = await http
        .get('/api/api-keys')
        .set('Cookie', cookie)
        .expect(200);
      const sessionKeys: ListedKey[] = listed.body;
      expect(sessionKeys.map((key) => key.id)).toEqual([response.body.id]);
    });

    it('answers 403 to a cookie session without its CSRF token and creates nothing', async () => {
      const user = await registerUser(http);
      const { cookie } = await signIn(http, user);
      const response = await http
        .post('/api/api-keys')
        .set('Cookie', cookie)
        .send({ name: 'forged from another site' })
        .expect(403);
      expect(response.body).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
      });
      expect(response.body.message).toMatch(/X-CSRF-Token/);
      expect(response.body.key).toBeUndefined();
      expect(await listKeys(user)).toEqual([]);
    });

    describe('validation', () => {
      let user: RegisteredUser;

      beforeAll(async () => {
        user = await registerUser(http);
      });

      afterEach(async () => {
        // Whatever was refused, nothing was created.
        expect(await listKeys(user)).toEqual([]);
      });

      async function refused(body: Record<string, unknown>): Promise<Response> {
        const response = await http
          .post('/api/api-keys')
          .set(bearer(user.accessToken))
          .send(body)
          .expect(400);
        expect(response.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
        });
        return response;
      }

      it('rejects a missing name with 400 naming name', async () => {
        const response = await refused({ scopes: ['data:read'] });
        expect(String(response.body.message)).toMatch(/name/);
      });

      it('rejects an unknown scope with 400 naming scopes', async () => {
        const response = await refused({ name: 'x', scopes: ['bogus'] });
        expect(String(response.body.message)).toMatch(/scopes/);
      });

      it.each([
        ['0', 0],
        ['5000', 5000],
        ['"x"', 'x'],
      ])(
        'rejects expires_in_days %s with 400 naming expires_in_days',
        async (_, days) => {
          const response = await refused({
            name: 'x',
            expires_in_days: days,
          });
          expect(String(response.body.message)).toMatch(/expires_in_days/);
        },
      );

      it('rejects an unknown field with 400 naming it', async () => {
        const response = await refused({ name: 'x', owner_id: user.id });
        expect(String(response.body.message)).toMatch(/owner_id/);
      });
    });

    it('refuses an API key: a key can neither create nor list keys', async () => {
      const user = await registerUser(http);
      const created = await createKey(user);

      const create = await http
        .post('/api/api-keys')
        .set(apiKey(created.key))
        .send({ name: 'a key minting keys' })
        .expect(401);
      expect(create.body.message).toBe('This route accepts only: jwt, session');
      expect(create.headers['www-authenticate']).toContain('Bearer');
      expect(create.headers['www-authenticate']).not.toContain('ApiKey');

      const list = await http
        .get('/api/api-keys')
        .set(apiKey(created.key))
        .expect(401);
      expect(list.body.message).toBe('This route accepts only: jwt, session');
      expect(JSON.stringify(list.body)).not.toContain(created.id);

      expect((await listKeys(user)).map((key) => key.id)).toEqual([created.id]);
    });
  });

  describe('GET /api/api-keys', () => {
    it('lists only the caller’s own keys, without the key or any secret', async () => {
      const ann = await registerUser(http);
      const bob = await registerUser(http);
      const annFirst = await createKey(ann, { name: 'first' });
      const annSecond = await createKey(ann, {
        name: 'second',
        scopes: ['data:read'],
        expires_in_days: 30,
      });
      const bobs = await createKey(bob, { name: 'bob’s' });
      const secrets = [annFirst, annSecond, bobs].map((created) =>
        secretOf(created.key),
      );

      const annResponse = await http
        .get('/api/api-keys')
        .set(bearer(ann.accessToken))
        .expect(200);
      const annKeys: ListedKey[] = annResponse.body;
      expect(annKeys.map((key) => key.id).sort()).toEqual(
        [annFirst.id, annSecond.id].sort(),
      );
      for (const key of annKeys) {
        expect(Object.keys(key).sort()).toEqual(LISTED_FIELDS);
        expect(key.prefix).toBe(`gkey_${key.id}`);
      }
      expect(annKeys.find((key) => key.id === annSecond.id)).toEqual({
        id: annSecond.id,
        name: 'second',
        prefix: annSecond.prefix,
        scopes: ['data:read'],
        created_at: annSecond.created_at,
        expires_at: annSecond.expires_at,
        last_used_at: null,
      });

      const bobResponse = await http
        .get('/api/api-keys')
        .set(bearer(bob.accessToken))
        .expect(200);
      const bobKeys: ListedKey[] = bobResponse.body;
      expect(bobKeys.map((key) => key.id)).toEqual([bobs.id]);

      for (const response of [annResponse, bobResponse]) {
        const text = JSON.stringify(response.body);
        for (const secret of secrets) {
          expect(text).not.toContain(secret);
        }
      }
    });

    it('shows last_used_at null before use and the time of use right after it', async () => {
      const user = await registerUser(http);
      const created = await createKey(user);
      const [unused] = await listKeys(user);
      expect(unused.last_used_at).toBeNull();

      const before = Date.now();
      await expectDataFor(created.key, user.username);
      const after = Date.now();

      // Well before the 10 s batch write of last_used_at.
      const [used] = await listKeys(user);
      expect(used.id).toBe(created.id);
      expect(used.last_used_at).not.toBeNull();
      const lastUsed = Date.parse(used.last_used_at ?? '');
      expect(new Date(lastUsed).toISOString()).toBe(used.last_used_at);
      expect(lastUsed).toBeGreaterThanOrEqual(before - 1000);
      expect(lastUsed).toBeLessThanOrEqual(after + 1000);
    });
  });

  describe('using a key on GET /api/data', () => {
    let user: RegisteredUser;
    let created: CreatedKey;

    beforeAll(async () => {
      user = await registerUser(http);
      created = await createKey(user);
    });

    it('accepts the key in the X-API-Key header', async () => {
      await expectDataFor(created.key, user.username);
    });

    it('accepts the key in the api_key query parameter', async () => {
      const response = await http
        .get('/api/data')
        .query({ api_key: created.key })
        .expect(200);
      expect(response.body).toEqual(dataFor(user.username));
    });

    it('accepts the same key in both the header and the query', async () => {
      const response = await http
        .get('/api/data')
        .query({ api_key: created.key })
        .set(apiKey(created.key))
        .expect(200);
      expect(response.body.message).toBe(`Hello ${user.username}!`);
    });

    it('refuses two different keys in the header and the query, even of one user', async () => {
      const other = await createKey(user, { name: 'other' });
      await expectDataFor(other.key, user.username);
      const response = await http
        .get('/api/data')
        .query({ api_key: other.key })
        .set(apiKey(created.key));
      expectApiKeyRefusal(response);
      expect(response.body.data).toBeUndefined();
    });

    it.each([
      ['a malformed key', () => 'gkey_not-a-key'],
      ['a key with a wrong secret', () => withWrongSecret(created.key)],
      [
        'a key with an unknown id',
        () =>
          `gkey_${created.id === 'zzzzzzzz' ? 'yyyyyyyy' : 'zzzzzzzz'}_${secretOf(created.key)}`,
      ],
    ])('answers 401 with the ApiKey challenge to %s', async (_, forge) => {
      const forged = forge();
      expect(forged).not.toBe(created.key);
      const response = await dataWith(forged);
      expectApiKeyRefusal(response);
      expect(response.body.data).toBeUndefined();
      // The real key is not harmed by the attempt.
      await expectDataFor(created.key, user.username);
    });
  });

  describe('scopes', () => {
    let user: RegisteredUser;

    beforeAll(async () => {
      user = await registerUser(http);
    });

    it('lets a data:read key read data but not the profile', async () => {
      const { key } = await createKey(user, { scopes: ['data:read'] });
      await expectDataFor(key, user.username);
      const profile = await http
        .get('/api/profile')
        .set(apiKey(key))
        .expect(403);
      expect(profile.body).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
      });
      expect(profile.body.message).toMatch(/profile:read/);
      expect(profile.body.user).toBeUndefined();
    });

    it('lets a profile:read key read its owner’s profile but not data', async () => {
      const { key } = await createKey(user, { scopes: ['profile:read'] });
      const profile = await http
        .get('/api/profile')
        .set(apiKey(key))
        .expect(200);
      expect(profile.body.user).toMatchObject({
        id: user.id,
        username: user.username,
      });
      const data = await dataWith(key);
      expect(data.status).toBe(403);
      expect(data.body.message).toMatch(/data:read/);
      expect(data.body.data).toBeUndefined();
    });

    it('lets a * key do both', async () => {
      const { key } = await createKey(user, { scopes: ['*'] });
      await expectDataFor(key, user.username);
      const profile = await http
        .get('/api/profile')
        .set(apiKey(key))
        .expect(200);
      expect(profile.body.user.id).toBe(user.id);
    });

    it('gives a login’s access token full access', async () => {
      const data = await http
        .get('/api/data')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(data.body.message).toBe(`Hello ${user.username}!`);
      const profile = await http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(profile.body.user.id).toBe(user.id);
    });
  });

  describe('DELETE /api/api-keys/:id', () => {
    it('refuses a key deleted after it was matched by its text, without hashing, on later requests', async () => {
      const user = await registerUser(http);
      const created = await createKey(user);
      await expectDataFor(created.key, user.username);
      const hash = jest.spyOn(cryptoModule, 'hash');
      try {
        await expectDataFor(created.key, user.username);
        await expectDataFor(created.key, user.username);
        // Matched by its exact text: the secret is not hashed again.
        expect(hash).not.toHaveBeenCalled();
        // Another secret under the same id is hashed, compared, and refused.
        expectApiKeyRefusal(await dataWith(withWrongSecret(created.key)));
        expect(hash).toHaveBeenCalledTimes(1);
      } finally {
        hash.mockRestore();
      }

      await http
        .delete(`/api/api-keys/${created.id}`)
        .set(bearer(user.accessToken))
        .expect(204);
      expectApiKeyRefusal(await dataWith(created.key));
      expectApiKeyRefusal(await dataWith(created.key));
    });

    it('deletes the key, which fails from the very next request', async () => {
      const user = await registerUser(http);
      const created = await createKey(user);
      const kept = await createKey(user, { name: 'kept' });
      await expectDataFor(created.key, user.username);

      const response = await http
        .delete(`/api/api-keys/${created.id}`)
        .set(bearer(user.accessToken))
        .expect(204);
      expect(response.text).toBe('');

      expectApiKeyRefusal(await dataWith(created.key));
      expect((await listKeys(user)).map((key) => key.id)).toEqual([kept.id]);
      await expectDataFor(kept.key, user.username);
    });

    it('answers 404 for another user’s key, which keeps working', async () => {
      const owner = await registerUser(http);
      const intruder = await registerUser(http);
      const created = await createKey(owner);

      const response = await http
        .delete(`/api/api-keys/${created.id}`)
        .set(bearer(intruder.accessToken))
        .expect(404);
      expect(response.body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
      });

      await expectDataFor(created.key, owner.username);
      expect((await listKeys(owner)).map((key) => key.id)).toEqual([
        created.id,
      ]);
    });

    it('answers 404 for an unknown id', async () => {
      const user = await registerUser(http);
      const created = await createKey(user);
      const unknown = created.id === 'zzzzzzzz' ? 'yyyyyyyy' : 'zzzzzzzz';
      const response = await http
        .delete(`/api/api-keys/${unknown}`)
        .set(bearer(user.accessToken))
        .expect(404);
      expect(response.body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
      });
      expect((await listKeys(user)).map((key) => key.id)).toEqual([created.id]);
      await expectDataFor(created.key, user.username);
    });
  });

  describe('expiry', () => {
    it('refuses a key whose expires_at has passed', async () => {
      const user = await registerUser(http);
      const expiring = await createKey(user, { expires_in_days: 1 });
      const fresh = await createKey(user, { expires_in_days: 1 });

      // The service caches a key at its first use: expire the row before that.
      await dataSource()
        .getRepository(ApiKey)
        .update(
          { id: expiring.id },
          { expiresAt: new Date(Date.now() - 1000) },
        );

      expectApiKeyRefusal(await dataWith(expiring.key));
      await expectDataFor(fresh.key, user.username);
      const listed = await listKeys(user);
      const expired = listed.find((key) => key.id === expiring.id);
      expect(Date.parse(expired?.expires_at ?? '')).toBeLessThan(Date.now());
      expect(expired?.last_used_at).toBeNull();
    });
  });

  describe('the key’s owner', () => {
    it('loses the key’s use from the next request once an admin disables them', async () => {
      const user = await registerUser(http);
      const { key } = await createKey(user);
      await expectDataFor(key, user.username);

      const disabled = await http
        .patch(`/api/users/${user.id}`)
        .set(basic(ADMIN.username, ADMIN.password))
        .send({ disabled: true })
        .expect(200);
      expect(disabled.body.user.disabled).toBe(true);

      expectApiKeyRefusal(await dataWith(key));
    });

    it('loses the key’s use from the next request once an admin deletes them', async () => {
      const user = await registerUser(http);
      const created = await createKey(user);
      await expectDataFor(created.key, user.username);

      await http
        .delete(`/api/users/${user.id}`)
        .set(basic(ADMIN.username, ADMIN.password))
        .expect(204);

      expectApiKeyRefusal(await dataWith(created.key));
      expect(
        await dataSource().getRepository(ApiKey).findOneBy({ id: created.id }),
      ).toBeNull();
    });

    it('keeps their keys through POST /api/logout/all, as documented', async () => {
      const user = await registerUser(http);
      const { key } = await createKey(user);
      await expectDataFor(key, user.username);

      await http
        .post('/api/logout/all')
        .set(bearer(user.accessToken))
        .expect(204);
      // The logout did happen: the access token is dead…
      await http.get('/api/profile').set(bearer(user.accessToken)).expect(401);
      // …but API keys are not sessions and keep working.
      await expectDataFor(key, user.username);
    });
  });

  describe('storage', () => {
    it('keeps only the SHA-256 of the secret, never the key or the secret', async () => {
      const user = await registerUser(http);
      const created = await createKey(user);
      const secret = secretOf(created.key);
      const repository = dataSource().getRepository(ApiKey);

      const row = await repository
        .createQueryBuilder('k')
        .addSelect('k.secretHash')
        .where('k.id = :id', { id: created.id })
        .getOne();
      expect(row?.secretHash).toBe(sha256Hex(secret));
      expect(row?.userId).toBe(user.id);

      const raw: Record<string, unknown> | undefined = await repository
        .createQueryBuilder('k')
        .addSelect('k.secretHash')
        .where('k.id = :id', { id: created.id })
        .getRawOne();
      expect(raw).toBeDefined();
      expect(Object.keys(raw ?? {})).toContain('k_secret_hash');
      for (const value of Object.values(raw ?? {})) {
        const text =
          value instanceof Date ? value.toISOString() : String(value);
        expect(text).not.toContain(secret);
        expect(text).not.toContain(created.key);
      }
    });
  });

  describe('a route of our own with @Auth(api-key) @Scopes(reports:read)', () => {
    it('answers 401 with the ApiKey challenge when no key is sent', async () => {
      const response = await http.get('/api/key-reports').expect(401);
      expect(response.headers['www-authenticate']).toBe(API_KEY_CHALLENGE);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Authentication required',
      });
    });

    it('answers 401 to a bearer token: the route accepts only api-key', async () => {
      const user = await registerUser(http);
      const response = await http
        .get('/api/key-reports')
        .set(bearer(user.accessToken))
        .expect(401);
      expect(response.headers['www-authenticate']).toBe(API_KEY_CHALLENGE);
      expect(response.body.message).toBe('This route accepts only: api-key');
    });

    it('answers 403 to a key without reports:read', async () => {
      const user = await registerUser(http);
      const { key } = await createKey(user, { scopes: ['data:read'] });
      const response = await http
        .get('/api/key-reports')
        .set(apiKey(key))
        .expect(403);
      expect(response.body.message).toMatch(/reports:read/);
      expect(response.body.credentialId).toBeUndefined();
      // The key itself is fine where its scope suffices.
      await expectDataFor(key, user.username);
    });

    it('answers 200 to a reports:read key and hands the handler its user and key id', async () => {
      const user = await registerUser(http);
      const created = await createKey(user, { scopes: ['reports:read'] });
      const response = await http
        .get('/api/key-reports')
        .set(apiKey(created.key))
        .expect(200);
      expect(response.body).toEqual({
        id: user.id,
        username: user.username,
        scheme: 'api-key',
        credentialId: created.id,
      });
    });
  });
});
