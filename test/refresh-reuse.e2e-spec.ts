// A spent refresh token presented again within REFRESH_REUSE_GRACE (racing tabs, a retry after a
// timeout) answers the pair its first use produced; after the grace it revokes the family.
import { DataSource } from 'typeorm';
import { sha256Hex } from '../src/common/crypto/sha256';
import { RefreshToken } from '../src/tokens/refresh-token.entity';
import { RefreshTokensService } from '../src/tokens/refresh-tokens.service';
import { createTestApp, type TestApp } from './support/app';
import { registerUser } from './support/factories';
import { basic, bearer } from './support/http';

const ACCESS_TTL_SECONDS = 900;

interface Pair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

function refresh(t: TestApp, refreshToken: string) {
  return t.http.post('/api/refresh').send({ refresh_token: refreshToken });
}

async function refreshPair(t: TestApp, refreshToken: string): Promise<Pair> {
  const response = await refresh(t, refreshToken).expect(200);
  expect(response.body).toEqual({
    access_token: expect.any(String),
    refresh_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: expect.any(Number),
  });
  return response.body as Pair;
}

async function expectRefreshRejected(
  t: TestApp,
  refreshToken: string,
): Promise<void> {
  const response = await refresh(t, refreshToken).expect(401);
  expect(response.body).toEqual({
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Invalid, expired or already used refresh token',
  });
}

async function expectAccessAccepted(
  t: TestApp,
  accessToken: string,
  username: string,
): Promise<void> {
  const response = await t.http
    .get('/api/protected')
    .set(bearer(accessToken))
    .expect(200);
  expect(response.body).toEqual({ message: `Hello, ${username}!` });
}

async function expectAccessRejected(
  t: TestApp,
  accessToken: string,
): Promise<void> {
  const response = await t.http
    .get('/api/protected')
    .set(bearer(accessToken))
    .expect(401);
  expect(response.body.message).toBe(
    'Invalid, expired or revoked access token',
  );
}

/** The stored row of a refresh token, looked up as the server does: by its SHA-256. */
async function rowOf(t: TestApp, refreshToken: string): Promise<RefreshToken> {
  const row = await t.app
    .get(DataSource)
    .getRepository(RefreshToken)
    .findOne({
      where: { tokenHash: sha256Hex(refreshToken) },
      select: [
        'id',
        'familyId',
        'usedAt',
        'revokedAt',
        'sealedSuccessor',
        'createdAt',
      ],
    });
  if (!row) {
    throw new Error('no such refresh token row');
  }
  return row;
}

/** Refresh tokens of the family that are neither spent nor revoked: never more than one. */
async function liveTokens(t: TestApp, familyId: string): Promise<number> {
  const rows = await t.app
    .get(DataSource)
    .getRepository(RefreshToken)
    .find({ where: { familyId } });
  return rows.filter((row) => !row.usedAt && !row.revokedAt).length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends `count` refreshes with one token at once, spread over `apps`. */
async function race(
  apps: TestApp[],
  refreshToken: string,
  count: number,
): Promise<Array<{ status: number; body: Pair }>> {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      refresh(apps[i % apps.length], refreshToken),
    ),
  );
  return responses.map((response) => ({
    status: response.status,
    body: response.body as Pair,
  }));
}

/** All succeeded, all with one pair; returns it. */
function expectOnePair(
  responses: Array<{ status: number; body: Pair }>,
  graceSeconds: number,
): Pair {
  expect(responses.map((response) => response.status)).toEqual(
    responses.map(() => 200),
  );
  const [first] = responses;
  for (const { body } of responses) {
    expect(body).toEqual({
      access_token: first.body.access_token,
      refresh_token: first.body.refresh_token,
      token_type: 'Bearer',
      expires_in: expect.any(Number),
    });
    // What is left of the one access token's life: at most the grace (and a second) less.
    expect(body.expires_in).toBeLessThanOrEqual(ACCESS_TTL_SECONDS);
    expect(body.expires_in).toBeGreaterThanOrEqual(
      ACCESS_TTL_SECONDS - graceSeconds - 1,
    );
  }
  return first.body;
}

describe('refresh token reuse within the default grace (10 s)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reads REFRESH_REUSE_GRACE as 10 s by default', () => {
    expect(t.config.refreshReuseGraceSeconds).toBe(10);
  });

  it('answers concurrent uses of one token with one pair, and the family carries on', async () => {
    const user = await registerUser(t.http);
    let current = user.refreshToken;
    // Several rounds, so that replays land both before and after the winner sealed its answer.
    for (let round = 0; round < 6; round += 1) {
      const spent = current;
      const pair = expectOnePair(await race([t], spent, 5), 10);
      const { familyId } = await rowOf(t, spent);
      expect(await liveTokens(t, familyId)).toBe(1);
      await expectAccessAccepted(t, pair.access_token, user.username);
      current = pair.refresh_token;
    }
    // The last pair's refresh token rotates as usual, and the old ones stay spent.
    const next = await refreshPair(t, current);
    expect(next.refresh_token).not.toBe(current);
    expect(next.expires_in).toBe(ACCESS_TTL_SECONDS);
    await expectAccessAccepted(t, next.access_token, user.username);
    expect(await liveTokens(t, (await rowOf(t, current)).familyId)).toBe(1);
  });

  it('answers a retry with the same pair, the access token unchanged', async () => {
    const user = await registerUser(t.http);
    const first = await refreshPair(t, user.refreshToken);
    await sleep(1100);
    const retry = await refreshPair(t, user.refreshToken);
    expect(retry.access_token).toBe(first.access_token);
    expect(retry.refresh_token).toBe(first.refresh_token);
    expect(retry.expires_in).toBeLessThan(first.expires_in);
    await expectAccessAccepted(t, retry.access_token, user.username);
    const rotated = await refreshPair(t, retry.refresh_token);
    await expectAccessAccepted(t, rotated.access_token, user.username);
  });

  it('keeps the pair on the spent row only sealed, and drops it after the grace', async () => {
    const user = await registerUser(t.http);
    const pair = await refreshPair(t, user.refreshToken);
    const sealed = (await rowOf(t, user.refreshToken)).sealedSuccessor;
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const bytes = Buffer.from(sealed!.split('.')[2], 'base64url').toString(
      'latin1',
    );
    for (const secret of [pair.access_token, pair.refresh_token]) {
      expect(sealed).not.toContain(secret);
      expect(bytes).not.toContain(secret);
    }
    expect(bytes).not.toContain('access');
    // Still within the grace: kept. Past it: pruned.
    const tokens = t.app.get(RefreshTokensService);
    await tokens.pruneExpired(Date.now());
    expect((await rowOf(t, user.refreshToken)).sealedSuccessor).toBe(sealed);
    await tokens.pruneExpired(Date.now() + 10_500);
    expect((await rowOf(t, user.refreshToken)).sealedSuccessor).toBeNull();
  });

  it('does not give back an access token logged out since, though the family lives on', async () => {
    const user = await registerUser(t.http);
    const pair = await refreshPair(t, user.refreshToken);
    await t.http.post('/api/logout').set(bearer(pair.access_token)).expect(204);
    await expectRefreshRejected(t, user.refreshToken);
    await expectAccessRejected(t, pair.access_token);
    // Logging out an access token alone leaves its refresh family alone, as without a grace.
    const next = await refreshPair(t, pair.refresh_token);
    await expectAccessAccepted(t, next.access_token, user.username);
  });

  it('does not answer for a family logged out since, and drops its sealed pair', async () => {
    const user = await registerUser(t.http);
    const pair = await refreshPair(t, user.refreshToken);
    await t.http
      .post('/api/logout')
      .set(bearer(pair.access_token))
      .send({ refresh_token: pair.refresh_token })
      .expect(204);
    await expectRefreshRejected(t, user.refreshToken);
    await expectRefreshRejected(t, pair.refresh_token);
    expect((await rowOf(t, user.refreshToken)).sealedSuccessor).toBeNull();
  });

  it('does not answer once the user logged out everywhere', async () => {
    const user = await registerUser(t.http);
    const pair = await refreshPair(t, user.refreshToken);
    await t.http
      .post('/api/logout/all')
      .set(basic(user.username, user.password))
      .expect(204);
    await expectRefreshRejected(t, user.refreshToken);
    await expectRefreshRejected(t, pair.refresh_token);
    await expectAccessRejected(t, pair.access_token);
  });

  it('gives nothing for a token never issued, however close to a real one', async () => {
    const user = await registerUser(t.http);
    await refreshPair(t, user.refreshToken);
    const last = user.refreshToken.at(-1) === 'A' ? 'B' : 'A';
    await expectRefreshRejected(t, `${user.refreshToken.slice(0, -1)}${last}`);
  });
});

describe('refresh token reuse at the grace boundary (REFRESH_REUSE_GRACE=2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_REUSE_GRACE: '2' } });
  });
  afterAll(() => t.close());

  it('answers a replay within the grace; just after it, revokes the family, the successor included', async () => {
    const user = await registerUser(t.http);
    const pair = await refreshPair(t, user.refreshToken);
    const answered = Date.now();

    await sleep(1000);
    const within = await refreshPair(t, user.refreshToken);
    expect(within.refresh_token).toBe(pair.refresh_token);
    expect(within.access_token).toBe(pair.access_token);

    // The first use was stamped before its answer left: this replay arrives past the grace.
    await sleep(answered + 2150 - Date.now());
    await expectRefreshRejected(t, user.refreshToken);
    await expectRefreshRejected(t, pair.refresh_token);
    const row = await rowOf(t, user.refreshToken);
    expect(row.revokedAt).not.toBeNull();
    expect(row.sealedSuccessor).toBeNull();
    expect(await liveTokens(t, row.familyId)).toBe(0);
  });
});

describe('REFRESH_REUSE_GRACE=0 (strict rotation)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_REUSE_GRACE: '0' } });
  });
  afterAll(() => t.close());

  it('revokes the family at the first replay, however soon, and seals nothing', async () => {
    const user = await registerUser(t.http);
    const pair = await refreshPair(t, user.refreshToken);
    expect((await rowOf(t, user.refreshToken)).sealedSuccessor).toBeNull();
    await expectRefreshRejected(t, user.refreshToken);
    await expectRefreshRejected(t, pair.refresh_token);
  });
  // Concurrent uses without a grace: tokens.e2e-spec.ts.
});

describe('refresh token reuse across two instances on one database', () => {
  // Two apps, each with its own connections and memory, on one data folder (SQLite) or one
  // database (DATABASE_URL=postgres://…): the grace is held by the shared rows alone.
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp({ env: { REFRESH_REUSE_GRACE: '2' } });
    b = await createTestApp({ dataDir: a.dataDir, env: a.env });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('answers a token raced on both instances with one pair, which works on either', async () => {
    const user = await registerUser(a.http);
    let current = user.refreshToken;
    for (let round = 0; round < 4; round += 1) {
      const pair = expectOnePair(await race([a, b], current, 6), 2);
      await expectAccessAccepted(b, pair.access_token, user.username);
      await expectAccessAccepted(a, pair.access_token, user.username);
      current = pair.refresh_token;
    }
    const { familyId } = await rowOf(b, current);
    expect(await liveTokens(a, familyId)).toBe(1);
    const next = await refreshPair(b, current);
    await expectAccessAccepted(a, next.access_token, user.username);
  });

  it('revokes the family on both when the token comes back to the other instance after the grace', async () => {
    const user = await registerUser(a.http);
    const pair = await refreshPair(a, user.refreshToken);
    const answered = Date.now();
    expect((await refreshPair(b, user.refreshToken)).refresh_token).toBe(
      pair.refresh_token,
    );
    await sleep(answered + 2150 - Date.now());
    await expectRefreshRejected(b, user.refreshToken);
    await expectRefreshRejected(a, pair.refresh_token);
  });
});
