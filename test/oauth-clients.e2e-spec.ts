// The OAuth client registry: admins register, read, change, disable, rotate and delete clients
// over /api/oauth-clients; what oidc-provider reads (providerMetadata); what stopping a client
// does to its tokens (the blacklist, the revocation listeners); the audit trail.
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { oauthRevocationKey } from '../src/oauth/oauth-revocation-keys';
import {
  type ClientRevocationReason,
  OAuthClientsService,
} from '../src/oauth-clients/oauth-clients.service';
import { RevocationService } from '../src/tokens/revocation.service';
import { RevokedToken } from '../src/tokens/revoked-token.entity';
import { createTestApp, type TestApp } from './support/app';
import { registerUser } from './support/factories';
import { bearer } from './support/http';
import { captureLogs } from './support/logs';

const ADMIN = 'clientadmin';
const ADMIN_PASSWORD = 'client-admin-password-1';
const API = '/api/oauth-clients';

/** The fields every read answers, sorted: RFC 7591's names and ours, never a secret or hash. */
const CLIENT_FIELDS = [
  'client_id',
  'client_id_issued_at',
  'client_name',
  'client_type',
  'created_at',
  'created_by',
  'disabled',
  'grant_types',
  'post_logout_redirect_uris',
  'redirect_uris',
  'scope',
  'token_endpoint_auth_method',
  'updated_at',
];

type Json = Record<string, unknown>;

describe('/api/oauth-clients', () => {
  let t: TestApp;
  let service: OAuthClientsService;
  const revoked: [string, ClientRevocationReason][] = [];

  const asAdmin = {
    post: (path: string) => t.http.post(path).auth(ADMIN, ADMIN_PASSWORD),
    get: (path: string) => t.http.get(path).auth(ADMIN, ADMIN_PASSWORD),
    patch: (path: string) => t.http.patch(path).auth(ADMIN, ADMIN_PASSWORD),
    delete: (path: string) => t.http.delete(path).auth(ADMIN, ADMIN_PASSWORD),
  };

  async function register(body: Json): Promise<Json> {
    const response = await asAdmin.post(API).send(body);
    expect(response.status).toBe(201);
    return response.body as Json;
  }

  async function storedRow(clientId: string): Promise<Json | undefined> {
    const rows: Json[] = await t.app
      .get(DataSource)
      .query('SELECT * FROM oauth_clients WHERE client_id = $1', [clientId]);
    return rows[0];
  }

  async function auditOf(type: string): Promise<Json[]> {
    const response = await asAdmin
      .get(`/api/audit?type=${encodeURIComponent(type)}&limit=100`)
      .expect(200);
    return response.body.items as Json[];
  }

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN, ADMIN_PASSWORD },
    });
    service = t.app.get(OAuthClientsService);
    service.onClientRevoked((clientId, reason) => {
      revoked.push([clientId, reason]);
    });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/oauth-clients', () => {
    it('registers a confidential client with the defaults and shows its secret once', async () => {
      const before = Math.floor(Date.now() / 1000);
      const body = await register({
        client_name: '  Reporting dashboard ',
        redirect_uris: ['https://dashboard.example.com/callback'],
      });
      expect(Object.keys(body).sort()).toEqual(
        [...CLIENT_FIELDS, 'client_secret', 'client_secret_expires_at'].sort(),
      );
      expect(body).toMatchObject({
        client_name: 'Reporting dashboard',
        redirect_uris: ['https://dashboard.example.com/callback'],
        post_logout_redirect_uris: [],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid',
        token_endpoint_auth_method: 'client_secret_basic',
        client_type: 'confidential',
        disabled: false,
        client_secret_expires_at: 0,
      });
      expect(body.client_id).toMatch(/^gh_[A-Za-z0-9_-]{22}$/);
      expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.client_id_issued_at).toBeGreaterThanOrEqual(before - 1);
      expect(body.client_id_issued_at).toBeLessThanOrEqual(
        Math.floor(Date.now() / 1000),
      );

      const read = await asAdmin.get(`${API}/${String(body.client_id)}`);
      expect(read.status).toBe(200);
      expect(Object.keys(read.body as Json).sort()).toEqual(CLIENT_FIELDS);
      expect(JSON.stringify(read.body)).not.toContain(
        String(body.client_secret),
      );
    });

    it('keeps only the SHA-256 hex of the secret', async () => {
      const body = await register({
        client_name: 'hashed',
        grant_types: ['client_credentials'],
        scope: 'data:read',
      });
      const row = await storedRow(String(body.client_id));
      const secret = String(body.client_secret);
      expect(row?.secret_hash).toBe(
        createHash('sha256').update(secret).digest('hex'),
      );
      expect(JSON.stringify(row)).not.toContain(secret);
    });

    it('registers a public client without a secret', async () => {
      const body = await register({
        client_name: 'Mobile app',
        redirect_uris: ['http://127.0.0.1:53682/cb', 'http://[::1]/cb'],
        grant_types: [
          'authorization_code',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        scope: 'openid profile offline_access openid',
        token_endpoint_auth_method: 'none',
      });
      expect(body).toMatchObject({
        token_endpoint_auth_method: 'none',
        client_type: 'public',
        scope: 'openid profile offline_access',
      });
      expect(body).not.toHaveProperty('client_secret');
      expect(body).not.toHaveProperty('client_secret_expires_at');
      expect((await storedRow(String(body.client_id)))?.secret_hash).toBeNull();
    });

    it('records who registered it, by id and name, never the secret', async () => {
      const body = await register({
        client_name: 'audited',
        redirect_uris: ['https://audited.example.com/cb'],
      });
      const events = await auditOf('oauth_client_created');
      const event = events.find(
        (e) => (e.details as Json).client_id === body.client_id,
      );
      expect(event).toMatchObject({
        outcome: 'success',
        details: {
          client_id: body.client_id,
          client_name: 'audited',
          by: ADMIN,
          token_endpoint_auth_method: 'client_secret_basic',
        },
      });
      expect(event?.actor_id).toBe(body.created_by);
      expect(JSON.stringify(events)).not.toContain(String(body.client_secret));
    });

    it.each([
      [{}, 'client_name is required'],
      [{ client_name: '   ' }, 'client_name must not be empty'],
      [{ client_name: 'x'.repeat(101) }, 'client_name must be at most 100'],
      [{ client_name: 7 }, 'client_name must be a string'],
      [
        { client_name: 'a', redirect_uris: 'https://a.example/cb' },
        'redirect_uris must be an array',
      ],
      [
        { client_name: 'a', redirect_uris: ['/relative'] },
        'redirect_uris entry "/relative" is not an absolute URL',
      ],
      [
        { client_name: 'a', redirect_uris: ['https://a.example/cb#frag'] },
        'redirect_uris entry "https://a.example/cb#frag" must not have a fragment',
      ],
      [
        { client_name: 'a', redirect_uris: ['http://a.example/cb'] },
        'redirect_uris entry "http://a.example/cb" may use http only for localhost, 127.0.0.1 or [::1]',
      ],
      [
        { client_name: 'a', redirect_uris: ['myapp:/cb'] },
        'redirect_uris entry "myapp:/cb" must be an https URL',
      ],
      [
        {
          client_name: 'a',
          redirect_uris: ['https://a.example/cb', 'https://a.example/cb'],
        },
        "All redirect_uris's elements must be unique",
      ],
      [
        {
          client_name: 'a',
          grant_types: ['client_credentials'],
          post_logout_redirect_uris: ['http://evil.example/'],
        },
        'post_logout_redirect_uris entry "http://evil.example/" may use http only',
      ],
      [
        { client_name: 'a', grant_types: ['password'] },
        'grant_types must each be one of: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code',
      ],
      [
        { client_name: 'a', grant_types: [] },
        'grant_types should not be empty',
      ],
      [
        { client_name: 'a', grant_types: ['client_credentials'], scope: '' },
        'scope must be a space-separated list of one or more of: openid, profile, email, offline_access, data:read, profile:read',
      ],
      [
        {
          client_name: 'a',
          grant_types: ['client_credentials'],
          scope: 'openid admin:all',
        },
        'scope has unknown scopes (admin:all)',
      ],
      [
        { client_name: 'a', token_endpoint_auth_method: 'private_key_jwt' },
        'token_endpoint_auth_method must be one of: client_secret_basic, client_secret_post, none',
      ],
      [
        { client_name: 'a' },
        'redirect_uris needs at least one URI when grant_types includes authorization_code',
      ],
      [
        {
          client_name: 'a',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'none',
        },
        'grant_types cannot include client_credentials for a public client',
      ],
      [
        { client_name: 'a', grant_types: ['refresh_token'] },
        'grant_types includes refresh_token, which needs authorization_code',
      ],
      [
        {
          client_name: 'a',
          client_secret: 'mine',
          grant_types: ['client_credentials'],
        },
        'property client_secret should not exist',
      ],
    ])('refuses %j with a 400 naming the field', async (body, message) => {
      const countBefore = (await service.list()).length;
      const response = await asAdmin.post(API).send(body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
      });
      expect(response.body.message).toContain(message);
      expect(await service.list()).toHaveLength(countBefore);
    });
  });

  describe('who may use it', () => {
    it('answers 401 with a challenge without credentials', async () => {
      const response = await t.http.get(API);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBeDefined();
      expect(response.body).toMatchObject({ statusCode: 401 });
      await t.http
        .post(API)
        .send({ client_name: 'x', grant_types: ['client_credentials'] })
        .expect(401);
    });

    it('answers 403 to a user who is not an admin, and changes nothing', async () => {
      const user = await registerUser(t.http);
      const countBefore = (await service.list()).length;
      const create = await t.http
        .post(API)
        .set(bearer(user.accessToken))
        .send({ client_name: 'x', grant_types: ['client_credentials'] });
      expect(create.status).toBe(403);
      expect(create.body).toMatchObject({ statusCode: 403 });
      await t.http.get(API).set(bearer(user.accessToken)).expect(403);
      expect(await service.list()).toHaveLength(countBefore);
    });
  });

  describe('GET /api/oauth-clients', () => {
    it('lists every client, oldest first, without secrets or hashes', async () => {
      const first = await register({
        client_name: 'list one',
        grant_types: ['client_credentials'],
      });
      const second = await register({
        client_name: 'list two',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
      });
      const response = await asAdmin.get(API).expect(200);
      const items = response.body.items as Json[];
      const ids = items.map((item) => item.client_id);
      expect(ids.indexOf(first.client_id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(second.client_id)).toBeGreaterThan(
        ids.indexOf(first.client_id),
      );
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual(CLIENT_FIELDS);
      }
      const text = JSON.stringify(response.body);
      expect(text).not.toContain(String(first.client_secret));
      expect(text).not.toContain(String(second.client_secret));
      expect(text).not.toContain(
        createHash('sha256').update(String(first.client_secret)).digest('hex'),
      );
    });

    it('answers 404 JSON for an unknown client', async () => {
      for (const request of [
        asAdmin.get(`${API}/gh_nothere`),
        asAdmin.patch(`${API}/gh_nothere`).send({ client_name: 'x' }),
        asAdmin.delete(`${API}/gh_nothere`),
        asAdmin.post(`${API}/gh_nothere/secret`),
      ]) {
        const response = await request;
        expect(response.status).toBe(404);
        expect(response.body).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: 'No OAuth client with client_id gh_nothere',
        });
      }
    });
  });

  describe('PATCH /api/oauth-clients/:clientId', () => {
    it('changes the metadata, keeps the secret, and records what changed', async () => {
      const client = await register({
        client_name: 'patch me',
        redirect_uris: ['https://patch.example.com/cb'],
      });
      const id = String(client.client_id);
      const hashBefore = (await storedRow(id))?.secret_hash;
      const response = await asAdmin
        .patch(`${API}/${id}`)
        .send({
          client_name: 'patched',
          redirect_uris: ['https://patch.example.com/cb2'],
          scope: 'openid email data:read',
          token_endpoint_auth_method: 'client_secret_post',
        })
        .expect(200);
      expect(response.body).toMatchObject({
        client_id: id,
        client_name: 'patched',
        redirect_uris: ['https://patch.example.com/cb2'],
        scope: 'openid email data:read',
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token'],
        disabled: false,
      });
      expect(Object.keys(response.body as Json).sort()).toEqual(CLIENT_FIELDS);
      expect((await asAdmin.get(`${API}/${id}`)).body).toEqual(response.body);
      expect((await storedRow(id))?.secret_hash).toBe(hashBefore);
      const event = (await auditOf('oauth_client_updated')).find(
        (e) => (e.details as Json).client_id === id,
      );
      expect((event?.details as Json).changed).toEqual([
        'client_name',
        'redirect_uris',
        'scope',
        'token_endpoint_auth_method',
      ]);
      expect(revoked.filter(([clientId]) => clientId === id)).toEqual([]);
    });

    it.each([
      [
        { redirect_uris: [] },
        'redirect_uris needs at least one URI when grant_types includes authorization_code',
      ],
      [
        { token_endpoint_auth_method: 'none' },
        'token_endpoint_auth_method cannot change between none (public) and a secret method',
      ],
      [
        { grant_types: ['refresh_token'] },
        'grant_types includes refresh_token',
      ],
      [{ disabled: 'yes' }, 'disabled must be a boolean value'],
      [{ scope: 'email phone' }, 'scope has unknown scopes (phone)'],
      [{ client_name: '' }, 'client_name must not be empty'],
    ])('refuses %j, leaving the client as it was', async (changes, message) => {
      const client = await register({
        client_name: 'steady',
        redirect_uris: ['https://steady.example.com/cb'],
      });
      const id = String(client.client_id);
      const before = (await asAdmin.get(`${API}/${id}`)).body as Json;
      const response = await asAdmin.patch(`${API}/${id}`).send(changes);
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(message);
      expect((await asAdmin.get(`${API}/${id}`)).body).toEqual(before);
    });

    it('refuses client_credentials for a public client on update too', async () => {
      const client = await register({
        client_name: 'public',
        redirect_uris: ['https://public.example.com/cb'],
        token_endpoint_auth_method: 'none',
      });
      const response = await asAdmin
        .patch(`${API}/${String(client.client_id)}`)
        .send({ grant_types: ['authorization_code', 'client_credentials'] });
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(
        'grant_types cannot include client_credentials for a public client',
      );
    });
  });

  describe('disabling and enabling', () => {
    it('stops the client: blacklisted, revoked, unknown to the provider; enabling brings it back', async () => {
      const client = await register({
        client_name: 'to disable',
        redirect_uris: ['https://disable.example.com/cb'],
        scope: 'openid profile',
      });
      const id = String(client.client_id);
      const revocation = t.app.get(RevocationService);
      expect(await revocation.isRevoked(oauthRevocationKey('client', id))).toBe(
        false,
      );
      expect(await service.providerMetadata(id)).toBeDefined();

      const disabledAt = Math.floor(Date.now() / 1000);
      const response = await asAdmin
        .patch(`${API}/${id}`)
        .send({ disabled: true })
        .expect(200);
      expect(response.body).toMatchObject({ client_id: id, disabled: true });
      expect((await asAdmin.get(`${API}/${id}`)).body.disabled).toBe(true);

      expect(await revocation.isRevoked(oauthRevocationKey('client', id))).toBe(
        true,
      );
      const entry = await t.app
        .get(DataSource)
        .getRepository(RevokedToken)
        .findOneByOrFail({ jti: oauthRevocationKey('client', id) });
      const expiresAt = Math.floor(entry.expiresAt.getTime() / 1000);
      expect(expiresAt).toBeGreaterThanOrEqual(disabledAt + 900 - 2);
      expect(expiresAt).toBeLessThanOrEqual(disabledAt + 900 + 2);

      expect(revoked).toContainEqual([id, 'disabled']);
      expect(await service.providerMetadata(id)).toBeUndefined();
      const disabledEvent = (await auditOf('oauth_client_disabled')).find(
        (e) => (e.details as Json).client_id === id,
      );
      expect(disabledEvent).toMatchObject({ details: { by: ADMIN } });

      // Disabling again changes nothing and tells nobody again.
      const told = revoked.length;
      await asAdmin.patch(`${API}/${id}`).send({ disabled: true }).expect(200);
      expect(revoked).toHaveLength(told);

      await asAdmin.patch(`${API}/${id}`).send({ disabled: false }).expect(200);
      expect(await service.providerMetadata(id)).toMatchObject({
        client_id: id,
      });
      expect(
        (await auditOf('oauth_client_enabled')).some(
          (e) => (e.details as Json).client_id === id,
        ),
      ).toBe(true);
    });
  });

  it('disables a client even when a revocation listener fails, and still tells the others', async () => {
    const client = await register({
      client_name: 'listener trouble',
      grant_types: ['client_credentials'],
    });
    const id = String(client.client_id);
    const told: string[] = [];
    service.onClientRevoked((clientId) => {
      if (clientId === id) {
        throw new Error('storage unavailable');
      }
    });
    service.onClientRevoked((clientId) => {
      told.push(clientId);
    });
    const logs = captureLogs();
    const response = await Promise.resolve(
      asAdmin.patch(`${API}/${id}`).send({ disabled: true }),
    ).finally(() => logs.restore());
    expect(response.status).toBe(200);
    // Logged with the client and the reason, so an operator can revoke by hand.
    expect(logs.at('error')).toContainEqual({
      msg: 'an OAuth client revocation listener failed',
      client_id: id,
      reason: 'disabled',
      error: 'storage unavailable',
    });
    expect(response.body.disabled).toBe(true);
    expect(told).toEqual([id]);
    expect(await service.providerMetadata(id)).toBeUndefined();
    expect(
      await t.app
        .get(RevocationService)
        .isRevoked(oauthRevocationKey('client', id)),
    ).toBe(true);
  });

  describe('POST /api/oauth-clients/:clientId/secret', () => {
    it('issues a new secret once; the old hash is gone at once', async () => {
      const client = await register({
        client_name: 'rotate me',
        grant_types: ['client_credentials'],
        scope: 'data:read',
      });
      const id = String(client.client_id);
      const response = await asAdmin.post(`${API}/${id}/secret`).expect(201);
      expect(response.body).toMatchObject({
        client_id: id,
        client_name: 'rotate me',
        client_secret_expires_at: 0,
      });
      const secret = String(response.body.client_secret);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(secret).not.toBe(client.client_secret);
      const metadata = await service.providerMetadata(id);
      expect(metadata?.client_secret).toBe(
        createHash('sha256').update(secret).digest('hex'),
      );
      expect(metadata?.client_secret).not.toBe(
        createHash('sha256').update(String(client.client_secret)).digest('hex'),
      );
      expect(revoked).toContainEqual([id, 'secret_rotated']);
      // Rotation is not a revocation of the client's tokens.
      expect(
        await t.app
          .get(RevocationService)
          .isRevoked(oauthRevocationKey('client', id)),
      ).toBe(false);
      const events = await auditOf('oauth_client_secret_rotated');
      expect(events.some((e) => (e.details as Json).client_id === id)).toBe(
        true,
      );
      expect(JSON.stringify(events)).not.toContain(secret);
      const listed = await asAdmin.get(API).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
    });

    it('refuses a public client with a 400', async () => {
      const client = await register({
        client_name: 'no secret',
        redirect_uris: ['https://nosecret.example.com/cb'],
        token_endpoint_auth_method: 'none',
      });
      const response = await asAdmin
        .post(`${API}/${String(client.client_id)}/secret`)
        .expect(400);
      expect(response.body.message).toBe(
        'A public client (token_endpoint_auth_method none) has no secret to rotate',
      );
      expect(
        (await storedRow(String(client.client_id)))?.secret_hash,
      ).toBeNull();
    });
  });

  describe('DELETE /api/oauth-clients/:clientId', () => {
    it('deletes the client, blacklists it and tells the listeners', async () => {
      const client = await register({
        client_name: 'delete me',
        grant_types: ['client_credentials'],
      });
      const id = String(client.client_id);
      await asAdmin.delete(`${API}/${id}`).expect(204);
      await asAdmin.get(`${API}/${id}`).expect(404);
      expect(await storedRow(id)).toBeUndefined();
      expect(await service.providerMetadata(id)).toBeUndefined();
      expect(
        await t.app
          .get(RevocationService)
          .isRevoked(oauthRevocationKey('client', id)),
      ).toBe(true);
      expect(revoked).toContainEqual([id, 'deleted']);
      expect(
        (await auditOf('oauth_client_deleted')).find(
          (e) => (e.details as Json).client_id === id,
        ),
      ).toMatchObject({ details: { client_name: 'delete me', by: ADMIN } });
    });
  });

  describe(`${OAuthClientsService.name}.providerMetadata`, () => {
    it('answers what oidc-provider needs, with the secret’s hash as client_secret', async () => {
      const client = await register({
        client_name: 'provider view',
        redirect_uris: ['https://rp.example.com/cb'],
        post_logout_redirect_uris: ['https://rp.example.com/'],
        scope: 'openid profile data:read',
        token_endpoint_auth_method: 'client_secret_post',
      });
      expect(await service.providerMetadata(String(client.client_id))).toEqual({
        client_id: client.client_id,
        client_name: 'provider view',
        redirect_uris: ['https://rp.example.com/cb'],
        post_logout_redirect_uris: ['https://rp.example.com/'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid profile data:read',
        token_endpoint_auth_method: 'client_secret_post',
        client_secret: createHash('sha256')
          .update(String(client.client_secret))
          .digest('hex'),
      });
    });

    it('gives a client-credentials client no response types and a public one no secret', async () => {
      const machine = await register({
        client_name: 'machine',
        grant_types: ['client_credentials'],
        scope: 'data:read',
      });
      expect(
        await service.providerMetadata(String(machine.client_id)),
      ).toMatchObject({
        response_types: [],
        grant_types: ['client_credentials'],
      });
      const spa = await register({
        client_name: 'spa',
        redirect_uris: ['https://spa.example.com/cb'],
        token_endpoint_auth_method: 'none',
      });
      const metadata = await service.providerMetadata(String(spa.client_id));
      expect(metadata).toMatchObject({ token_endpoint_auth_method: 'none' });
      expect(metadata).not.toHaveProperty('client_secret');
    });

    it('answers undefined for an unknown client', async () => {
      expect(await service.providerMetadata('gh_unknown')).toBeUndefined();
    });
  });
});
