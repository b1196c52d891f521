// Signing-key rotation and revocation over HTTP: the admin routes, the automatic timeline
// (next → active → retired → expired) with two instances on one database, and revocation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './support/app';
import { createTestDatabase } from './support/db';
import { loginAs, registerUser } from './support/factories';
import { basic, bearer } from './support/http';

const ADMIN = { username: 'keymaster', password: 'keymaster-password-1' };
const ADMIN_ENV = {
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
};

interface KeyBody {
  kid: string;
  algorithm: string;
  state: string;
  created_at: string;
  activates_at: string;
  retired_at: string | null;
  published_until: string | null;
  revoked_at: string | null;
}

function kidOf(token: string): string {
  const header = JSON.parse(
    Buffer.from(token.split('.')[0], 'base64url').toString(),
  ) as { kid: string };
  return header.kid;
}

async function publishedKids(t: TestApp): Promise<string[]> {
  const response = await t.http.get('/.well-known/jwks.json').expect(200);
  return (response.body as { keys: { kid: string }[] }).keys.map(
    (key) => key.kid,
  );
}

async function listKeys(t: TestApp): Promise<KeyBody[]> {
  const response = await t.http
    .get('/api/admin/signing-keys')
    .set(basic(ADMIN.username, ADMIN.password))
    .expect(200);
  return (response.body as { items: KeyBody[] }).items;
}

async function status(t: TestApp, token: string): Promise<number> {
  return (await t.http.get('/api/profile').set(bearer(token))).status;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

describe('/api/admin/signing-keys', () => {
  let t: TestApp;
  let userToken: string;
  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
    userToken = (await registerUser(t.http)).accessToken;
  });
  afterAll(() => t.close());

  it('lists the keys to an admin only, without private parts', async () => {
    const [key] = await listKeys(t);
    expect(Object.keys(key).sort()).toEqual([
      'activates_at',
      'algorithm',
      'created_at',
      'kid',
      'published_until',
      'retired_at',
      'revoked_at',
      'state',
    ]);
    expect(key).toMatchObject({
      kid: kidOf(userToken),
      algorithm: 'ES256',
      state: 'active',
      revoked_at: null,
    });
    await t.http
      .get('/api/admin/signing-keys')
      .set(bearer(userToken))
      .expect(403);
    await t.http.get('/api/admin/signing-keys').expect(401);
    await t.http
      .post('/api/admin/signing-keys/rotate')
      .set(bearer(userToken))
      .expect(403);
  });

  it('publishes a rotated key a lead before it signs, and refuses a second rotation meanwhile', async () => {
    const [active] = await listKeys(t);
    const before = Date.now();
    const response = await t.http
      .post('/api/admin/signing-keys/rotate')
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(201);
    const next = (response.body as { key: KeyBody }).key;
    expect(next).toMatchObject({ algorithm: 'ES256', state: 'next' });
    // The default lead: two JWKS max-ages (2 × 300 s).
    const lead = Date.parse(next.activates_at) - before;
    expect(lead).toBeGreaterThanOrEqual(600_000 - 1000);
    expect(lead).toBeLessThanOrEqual(600_000 + 5000);
    expect(await publishedKids(t)).toEqual([next.kid, active.kid]);
    // Published, not signing yet.
    const user = await registerUser(t.http);
    expect(kidOf(user.accessToken)).toBe(active.kid);

    const again = await t.http
      .post('/api/admin/signing-keys/rotate')
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(409);
    expect(again.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `Key ${next.kid} is already waiting to sign from ${next.activates_at}`,
    });
  });

  it('revokes the waiting key: gone from the JWKS, audited', async () => {
    const [next, active] = await listKeys(t);
    expect(next.state).toBe('next');
    const response = await t.http
      .post(`/api/admin/signing-keys/${next.kid}/revoke`)
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);
    expect((response.body as { key: KeyBody }).key).toMatchObject({
      kid: next.kid,
      state: 'revoked',
      revoked_at: expect.any(String),
    });
    expect(await publishedKids(t)).toEqual([active.kid]);

    const audit = await t.http
      .get('/api/audit?type=signing_key_revoked')
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      type: 'signing_key_revoked',
      outcome: 'success',
      actor_id: expect.any(String),
      details: { kid: next.kid },
    });
    const created = await t.http
      .get('/api/audit?type=signing_key_created')
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);
    expect(
      (created.body.items as { details: { kid: string; reason: string } }[])
        .map((item) => item.details)
        .find((details) => details.kid === next.kid),
    ).toMatchObject({ reason: 'manual', algorithm: 'ES256' });
  });

  it('revokes the signing key: its tokens fail from the next request, a new key signs at once', async () => {
    const [, active] = await listKeys(t);
    const user = await registerUser(t.http);
    expect(kidOf(user.accessToken)).toBe(active.kid);
    // Verified once, so the verified-token cache holds it.
    expect(await status(t, user.accessToken)).toBe(200);

    await t.http
      .post(`/api/admin/signing-keys/${active.kid}/revoke`)
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);

    expect(await status(t, user.accessToken)).toBe(401);
    expect(await status(t, userToken)).toBe(401);
    const published = await publishedKids(t);
    expect(published).not.toContain(active.kid);
    expect(published).toHaveLength(1);
    const fresh = await loginAs(t.http, user.username, user.password);
    expect(kidOf(fresh.accessToken)).toBe(published[0]);
    expect(await status(t, fresh.accessToken)).toBe(200);
    const keys = await listKeys(t);
    expect(keys.map((key) => key.state)).toEqual([
      'active',
      'revoked',
      'revoked',
    ]);
  });

  it('answers 409 for a key already revoked and 404 for an unknown kid', async () => {
    const revoked = (await listKeys(t)).find((key) => key.state === 'revoked')!;
    const again = await t.http
      .post(`/api/admin/signing-keys/${revoked.kid}/revoke`)
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(409);
    expect(again.body.message).toBe(
      `Signing key ${revoked.kid} is already revoked`,
    );
    const missing = await t.http
      .post('/api/admin/signing-keys/no-such-kid/revoke')
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No signing key with kid no-such-kid',
    });
  });

  it('lets one of two instances rotating at the same moment win', async () => {
    const second = await createTestApp({ dataDir: t.dataDir, env: t.env });
    try {
      const answers = await Promise.all(
        [t, second].map((app) =>
          app.http
            .post('/api/admin/signing-keys/rotate')
            .set(basic(ADMIN.username, ADMIN.password)),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      const keys = await listKeys(t);
      expect(keys.filter((key) => key.state === 'next')).toHaveLength(1);
    } finally {
      await second.app.close();
    }
  });
});

describe('automatic rotation, two instances on one database', () => {
  // An 8 s period: the JWKS max-age is 2 s, a successor is published 4 s before it signs, and
  // a retired key stays published for the 7 s token lifetime plus 2 s.
  const env = {
    SIGNING_KEY_ROTATION: '8s',
    ACCESS_TOKEN_TTL: '7',
    KEYS_SECRET: 'r'.repeat(48),
  };
  let dataDir: string;
  let drop: () => Promise<void>;
  let apps: TestApp[];
  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = () => database.drop();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-rotation-'));
    const shared = { ...database.env, ...env, ...ADMIN_ENV };
    apps = [await createTestApp({ dataDir, env: shared })];
    apps.push(await createTestApp({ dataDir, env: shared }));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.app.close()));
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes the successor first, switches, keeps old tokens valid, then drops the old key', async () => {
    const [a, b] = apps;
    const user = await registerUser(a.http);
    const first = kidOf(user.accessToken);
    expect(await publishedKids(b)).toEqual([first]);
    const jwks = await a.http.get('/.well-known/jwks.json').expect(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=2');

    // 1. The successor is published while the first key still signs.
    const successor = await waitFor('a published successor', async () => {
      const kids = await publishedKids(b);
      return kids.length === 2 ? kids[0] : undefined;
    });
    expect(successor).not.toBe(first);
    const before = await loginAs(a.http, user.username, user.password);
    expect(kidOf(before.accessToken)).toBe(first);

    // 2. It signs on both instances; a token signed before still verifies on both.
    const after = await waitFor('the successor signing', async () => {
      const pair = await loginAs(b.http, user.username, user.password);
      return kidOf(pair.accessToken) === successor ? pair : undefined;
    });
    expect(await status(a, before.accessToken)).toBe(200);
    expect(await status(b, before.accessToken)).toBe(200);
    expect(await status(a, after.accessToken)).toBe(200);
    expect(await publishedKids(a)).toContain(first);
    const retired = (await listKeys(a)).find((key) => key.kid === first)!;
    expect(retired).toMatchObject({
      state: 'retired',
      retired_at: expect.any(String),
    });
    expect(
      Date.parse(retired.published_until!) - Date.parse(retired.retired_at!),
    ).toBe(9000);

    // 3. Once no token it signed can be alive, the first key leaves the JWKS.
    await waitFor(
      'the retired key to expire',
      async () => ((await publishedKids(a)).includes(first) ? undefined : true),
      15_000,
    );
    expect((await listKeys(b)).find((key) => key.kid === first)?.state).toBe(
      'expired',
    );

    // Both instances rotate on their own timers, yet one key was made per period, not two.
    const keys = await listKeys(a);
    const span = Date.now() - Date.parse(keys[keys.length - 1].created_at);
    expect(keys.length).toBeLessThanOrEqual(Math.floor(span / 8000) + 2);
    expect(keys.filter((key) => key.state === 'active')).toHaveLength(1);
    expect(keys.filter((key) => key.state === 'next').length).toBeLessThan(2);
  }, 60_000);
});
