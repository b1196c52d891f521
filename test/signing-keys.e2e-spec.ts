// Asymmetric access tokens: the keystore (generated at first start, sealed under KEYS_SECRET),
// ES256/EdDSA tokens with a kid, the JWKS, and what is refused. Rotation: signing-key-rotation.
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { ConfigError } from '../src/config/app-config';
import {
  keyEncryptionKey,
  openPrivateKey,
} from '../src/signing-keys/key-encryption';
import { SigningKeysService } from '../src/signing-keys/signing-keys.service';
import { createTestApp, restart, type TestApp } from './support/app';
import { createTestDatabase } from './support/db';
import { registerUser } from './support/factories';
import { bearer } from './support/http';

type Json = Record<string, unknown>;

function header(token: string): Json {
  return JSON.parse(
    Buffer.from(token.split('.')[0], 'base64url').toString(),
  ) as Json;
}

function payload(token: string): Json {
  return JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString(),
  ) as Json;
}

function segment(value: Json): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWS over `head` and `body`, signed by `key` as `alg` says (ES256, EdDSA or HS256). */
function forge(head: Json, body: Json, key: KeyObject | Buffer): string {
  const input = `${segment(head)}.${segment(body)}`;
  let signature: Buffer;
  if (head.alg === 'HS256') {
    signature = createHmac('sha256', key).update(input).digest();
  } else if (head.alg === 'ES256') {
    signature = sign('sha256', Buffer.from(input), {
      key: key as KeyObject,
      dsaEncoding: 'ieee-p1363',
    });
  } else if (head.alg === 'EdDSA') {
    signature = sign(null, Buffer.from(input), key);
  } else {
    signature = Buffer.alloc(0);
  }
  return `${input}.${signature.toString('base64url')}`;
}

interface KeyRow {
  kid: string;
  generation: number;
  algorithm: string;
  public_jwk: string;
  private_key: string;
  revoked_at: unknown;
}

async function keyRows(t: TestApp): Promise<KeyRow[]> {
  return t.app
    .get(DataSource)
    .query(
      'SELECT kid, generation, algorithm, public_jwk, private_key, created_at, activates_at, revoked_at FROM signing_keys ORDER BY generation',
    );
}

/** The server's own private key, opened the way the server does: for forging in tests only. */
function serverPrivateKey(t: TestApp, row: KeyRow): KeyObject {
  const secret = readFileSync(join(t.dataDir, 'keys-secret'), 'utf8').trim();
  const der = openPrivateKey(
    keyEncryptionKey(secret),
    row.kid,
    row.private_key,
  );
  if (!der) {
    throw new Error('the test could not open the key');
  }
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

async function expectAccepted(t: TestApp, token: string): Promise<void> {
  const response = await t.http.get('/api/profile').set(bearer(token));
  expect(response.status).toBe(200);
  expect(response.body.user.username).toEqual(expect.any(String));
}

async function expectRefused(t: TestApp, token: string): Promise<void> {
  const response = await t.http.get('/api/profile').set(bearer(token));
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toContain(
    'error="invalid_token"',
  );
  expect(response.body).toEqual({
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Invalid, expired or revoked access token',
  });
}

describe('signing keys (ES256, the default)', () => {
  /** Owns the data folder and database that the restarted apps below reuse. */
  let first: TestApp;
  let t: TestApp;
  beforeAll(async () => {
    first = await createTestApp();
    t = first;
  });
  afterAll(async () => {
    if (t !== first) {
      await t.app.close();
    }
    await first.close();
  });

  it('generates one key at first start, its private part sealed, and keeps the secret owner-only', async () => {
    const rows = await keyRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ generation: 1, algorithm: 'ES256' });
    expect(rows[0].private_key).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const jwk = JSON.parse(rows[0].public_jwk) as Json;
    expect(jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
    });
    // The sealed form holds the PKCS#8 key in no encoding, and opens to the key the JWKS publishes.
    const privateKey = serverPrivateKey(t, rows[0]);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    for (const encoding of ['base64', 'base64url', 'hex'] as const) {
      expect(rows[0].private_key).not.toContain(der.toString(encoding));
    }
    expect(createPublicKey(privateKey).export({ format: 'jwk' })).toEqual(jwk);
    expect(statSync(join(t.dataDir, 'keys-secret')).mode & 0o777).toBe(0o600);
  });

  it('signs access tokens ES256 with the key’s kid, verifiable with the JWKS alone', async () => {
    const user = await registerUser(t.http);
    const [row] = await keyRows(t);
    expect(header(user.accessToken)).toEqual({
      alg: 'ES256',
      typ: 'JWT',
      kid: row.kid,
    });
    const jwks = await t.http.get('/.well-known/jwks.json').expect(200);
    const { payload: claims } = await jwtVerify(
      user.accessToken,
      createLocalJWKSet(jwks.body),
      { issuer: 'gatehouse', audience: 'gatehouse-api' },
    );
    expect(claims).toMatchObject({
      sub: user.id,
      username: user.username,
      typ: 'access',
      scope: '*',
    });
    await expectAccepted(t, user.accessToken);
  });

  it('publishes the public key at /.well-known/jwks.json (not under /api), cacheable, without private parts', async () => {
    const response = await t.http.get('/.well-known/jwks.json').expect(200);
    const [row] = await keyRows(t);
    expect(response.headers['content-type']).toMatch(
      /^application\/jwk-set\+json/,
    );
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.body).toEqual({
      keys: [
        {
          ...(JSON.parse(row.public_jwk) as Json),
          kid: row.kid,
          alg: 'ES256',
          use: 'sig',
        },
      ],
    });
    expect(JSON.stringify(response.body)).not.toContain('"d"');
    await t.http.get('/api/.well-known/jwks.json').expect(404);
  });

  it('verifies a token once, then answers from the verified-token cache', async () => {
    const user = await registerUser(t.http);
    const verify = jest.spyOn(t.app.get(SigningKeysService), 'verify');
    try {
      await expectAccepted(t, user.accessToken);
      await expectAccepted(t, user.accessToken);
      await expectAccepted(t, user.accessToken);
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  describe('refuses forged and tampered tokens', () => {
    let claims: Json;
    let row: KeyRow;
    let realKey: KeyObject;
    beforeAll(async () => {
      const user = await registerUser(t.http);
      claims = payload(user.accessToken);
      [row] = await keyRows(t);
      realKey = serverPrivateKey(t, row);
    });

    it('accepts the control: a token the test signs with the server’s own key', async () => {
      await expectAccepted(
        t,
        forge({ alg: 'ES256', typ: 'JWT', kid: row.kid }, claims, realKey),
      );
    });

    it('refuses an unknown kid, a missing kid, and our kid on another key’s signature', async () => {
      const { privateKey } = generateKeyPairSync('ec', {
        namedCurve: 'P-256',
      });
      await expectRefused(
        t,
        forge({ alg: 'ES256', kid: 'no-such-key' }, claims, realKey),
      );
      await expectRefused(t, forge({ alg: 'ES256' }, claims, realKey));
      await expectRefused(
        t,
        forge({ alg: 'ES256', kid: row.kid }, claims, privateKey),
      );
    });

    it('refuses jku, x5u and jwk headers even on a good signature, and fetches nothing', async () => {
      let fetched = 0;
      const server: Server = createServer((_request, response) => {
        fetched += 1;
        response.end('{"keys":[]}');
      });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', resolve),
      );
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`;
      try {
        const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
        for (const extra of [
          { jku: url },
          { x5u: url },
          { jwk: attackerJwk },
          { jwk: JSON.parse(row.public_jwk) as Json },
        ]) {
          // Signed with the real key: only the header can be the reason for the refusal.
          await expectRefused(
            t,
            forge({ alg: 'ES256', kid: row.kid, ...extra }, claims, realKey),
          );
          await expectRefused(
            t,
            forge(
              { alg: 'ES256', kid: 'elsewhere', ...extra },
              claims,
              attacker.privateKey,
            ),
          );
        }
        expect(fetched).toBe(0);
      } finally {
        server.close();
      }
    });

    it('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
      const jwk = JSON.parse(row.public_jwk) as Json;
      const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
      const secrets = [
        Buffer.from(publicKey.export({ format: 'pem', type: 'spki' })),
        publicKey.export({ format: 'der', type: 'spki' }),
        Buffer.from(row.public_jwk),
      ];
      for (const secret of secrets) {
        await expectRefused(
          t,
          forge({ alg: 'HS256', typ: 'JWT', kid: row.kid }, claims, secret),
        );
      }
    });

    it('refuses alg none, with or without our kid', async () => {
      await expectRefused(
        t,
        forge({ alg: 'none', kid: row.kid }, claims, realKey),
      );
      await expectRefused(t, forge({ alg: 'none' }, claims, realKey));
    });

    it('refuses a token whose header claims EdDSA for our ES256 key', async () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      await expectRefused(
        t,
        forge({ alg: 'EdDSA', kid: row.kid }, claims, privateKey),
      );
    });
  });

  it('keeps its keys across a restart', async () => {
    const before = await keyRows(t);
    const user = await registerUser(t.http);
    t = await restart(t);
    expect(await keyRows(t)).toEqual(before);
    await expectAccepted(t, user.accessToken);
  });

  it('moves to EdDSA after a restart with JWT_ALGORITHM=EdDSA: the new key is published a lead ahead', async () => {
    const user = await registerUser(t.http);
    const es256 = header(user.accessToken).kid;
    await t.app.close();
    t = await createTestApp({
      dataDir: t.dataDir,
      env: { ...t.env, JWT_ALGORITHM: 'EdDSA' },
    });
    const rows = await keyRows(t);
    expect(rows.map((row) => row.algorithm)).toEqual(['ES256', 'EdDSA']);
    const jwks = await t.http.get('/.well-known/jwks.json').expect(200);
    expect((jwks.body.keys as { alg: string }[]).map((key) => key.alg)).toEqual(
      ['EdDSA', 'ES256'],
    );
    // Until the EdDSA key's lead has passed, the ES256 key still signs; both verify.
    const later = await registerUser(t.http);
    expect(header(later.accessToken).kid).toBe(es256);
    await expectAccepted(t, user.accessToken);
    await expectAccepted(t, later.accessToken);
  });
});

describe('signing keys (EdDSA)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { JWT_ALGORITHM: 'EdDSA' } });
  });
  afterAll(() => t.close());

  it('signs with an Ed25519 key, published as an OKP JWK', async () => {
    const user = await registerUser(t.http);
    const [row] = await keyRows(t);
    expect(row.algorithm).toBe('EdDSA');
    expect(header(user.accessToken)).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: row.kid,
    });
    const jwks = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String),
        kid: row.kid,
        alg: 'EdDSA',
        use: 'sig',
      },
    ]);
    await jwtVerify(user.accessToken, createLocalJWKSet(jwks.body), {
      issuer: 'gatehouse',
      audience: 'gatehouse-api',
    });
    await expectAccepted(t, user.accessToken);
  });
});

describe('signing keys under JWT_ALGORITHM=HS256', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        JWT_ALGORITHM: 'HS256',
        ADMIN_USERNAME: 'hsadmin',
        ADMIN_PASSWORD: 'hsadmin-password-1',
      },
    });
  });
  afterAll(() => t.close());

  it('makes no keys, publishes an empty JWKS, and signs HS256 without a kid', async () => {
    const user = await registerUser(t.http);
    expect(header(user.accessToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(await keyRows(t)).toEqual([]);
    const jwks = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(jwks.body).toEqual({ keys: [] });
    await expectAccepted(t, user.accessToken);
  });

  it('lists no keys and refuses to rotate or revoke, saying why', async () => {
    const list = await t.http
      .get('/api/admin/signing-keys')
      .auth('hsadmin', 'hsadmin-password-1')
      .expect(200);
    expect(list.body).toEqual({ items: [] });
    const rotate = await t.http
      .post('/api/admin/signing-keys/rotate')
      .auth('hsadmin', 'hsadmin-password-1')
      .expect(409);
    expect(rotate.body.message).toBe(
      'JWT_ALGORITHM=HS256: access tokens are signed with JWT_SECRET, there are no signing keys',
    );
    await t.http
      .post('/api/admin/signing-keys/some-kid/revoke')
      .auth('hsadmin', 'hsadmin-password-1')
      .expect(409);
    expect(await keyRows(t)).toEqual([]);
  });
});

describe('signing keys after a move from ES256 to JWT_ALGORITHM=HS256', () => {
  it('publishes and lists none of the keys an earlier run left, and refuses their tokens', async () => {
    const first = await createTestApp({
      env: { ADMIN_USERNAME: 'mover', ADMIN_PASSWORD: 'mover-password-1' },
    });
    const user = await registerUser(first.http);
    expect(header(user.accessToken).alg).toBe('ES256');
    const rows = await keyRows(first);
    expect(rows).toHaveLength(1);
    await first.app.close();
    const t = await createTestApp({
      dataDir: first.dataDir,
      env: { ...first.env, JWT_ALGORITHM: 'HS256' },
    });
    try {
      expect(await keyRows(t)).toEqual(rows);
      const jwks = await t.http.get('/.well-known/jwks.json').expect(200);
      expect(jwks.body).toEqual({ keys: [] });
      const list = await t.http
        .get('/api/admin/signing-keys')
        .auth('mover', 'mover-password-1')
        .expect(200);
      expect(list.body).toEqual({ items: [] });
      await expectRefused(t, user.accessToken);
    } finally {
      await t.close();
    }
  });
});

describe('start-up with the keys on one database', () => {
  it('makes one key when two instances start at once', async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
    const env = { ...database.env, KEYS_SECRET: 'k'.repeat(48) };
    try {
      const apps = await Promise.all([
        createTestApp({ dataDir, env }),
        createTestApp({ dataDir, env }),
      ]);
      try {
        expect(await keyRows(apps[0])).toHaveLength(1);
        const users = await Promise.all(
          apps.map((app) => registerUser(app.http)),
        );
        expect(header(users[0].accessToken).kid).toBe(
          header(users[1].accessToken).kid,
        );
        // Each instance verifies the other's token.
        await expectAccepted(apps[0], users[1].accessToken);
        await expectAccepted(apps[1], users[0].accessToken);
      } finally {
        await Promise.all(apps.map((app) => app.app.close()));
      }
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a wrong KEYS_SECRET, saying so, and changes nothing stored', async () => {
    const first = await createTestApp();
    const user = await registerUser(first.http);
    const before = await keyRows(first);
    await first.app.close();
    let current: TestApp | null = null;
    try {
      const wrong = createTestApp({
        dataDir: first.dataDir,
        env: { ...first.env, KEYS_SECRET: 'w'.repeat(48) },
      });
      await expect(wrong).rejects.toThrow(ConfigError);
      await expect(wrong).rejects.toThrow(
        /KEYS_SECRET does not decrypt the signing keys stored in the database \(kid [\w-]+\): it is not the secret they were encrypted with/,
      );
      current = await createTestApp({
        dataDir: first.dataDir,
        env: first.env,
      });
      expect(await keyRows(current)).toEqual(before);
      await expectAccepted(current, user.accessToken);
    } finally {
      await current?.app.close();
      await first.close();
    }
  });
});
