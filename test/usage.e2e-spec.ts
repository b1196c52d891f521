// Usage counts over HTTP: what is counted, per user and per API key, who may read them, and
// that counts held in memory reach the database when the app closes.
import { DataSource } from 'typeorm';
import { UsageDaily } from '../src/usage/usage-daily.entity';
import { createTestApp, restart, type TestApp } from './support/app';
import {
  loginAs,
  type RegisteredUser,
  registerUser,
} from './support/factories';
import { apiKey, basic, bearer } from './support/http';

const ADMIN = { username: 'root', password: 'root-password-1' };
const ADMIN_ENV = {
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
};

interface UsageDay {
  day: string;
  count: number;
  by_api_key: Record<string, number>;
}

function utcDay(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** Today's entry of a usage answer; fails the test when there is none. */
function todayOf(body: { to: string; days: UsageDay[] }): UsageDay {
  const today = body.days.find((day) => day.day === body.to);
  if (!today) {
    throw new Error(`no entry for ${body.to}: ${JSON.stringify(body.days)}`);
  }
  return today;
}

async function createKey(
  t: TestApp,
  user: RegisteredUser,
  scopes: string[],
): Promise<{ id: string; key: string }> {
  const response = await t.http
    .post('/api/api-keys')
    .set(bearer(user.accessToken))
    .send({ name: 'usage test', scopes })
    .expect(201);
  return { id: response.body.id, key: response.body.key };
}

describe('GET /api/profile/usage', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let key: { id: string; key: string };

  beforeAll(async () => {
    t = await createTestApp();
    alice = await registerUser(t.http);
    bob = await registerUser(t.http);
    // Counted: one jwt request (the key creation) …
    key = await createKey(t, alice, ['profile:read']);
    // … three more with the token and two with the key.
    for (let i = 0; i < 3; i += 1) {
      await t.http
        .get('/api/profile')
        .set(bearer(alice.accessToken))
        .expect(200);
    }
    for (let i = 0; i < 2; i += 1) {
      await t.http.get('/api/profile').set(apiKey(key.key)).expect(200);
    }
  });
  afterAll(() => t.close());

  it('counts every authenticated request of the caller today, this one included, and those of each key', async () => {
    const response = await t.http
      .get('/api/profile/usage')
      .set(bearer(alice.accessToken))
      .expect(200);
    expect(response.body.to).toBe(utcDay());
    expect(response.body.from).toBe(utcDay(-29));
    expect(response.body.days).toHaveLength(1);
    expect(todayOf(response.body)).toEqual({
      day: utcDay(),
      count: 7,
      by_api_key: { [key.id]: 2 },
    });
    expect(response.body.count).toBe(7);
  });

  it('answers an API key too (header or query), counting its request under the key', async () => {
    const before = todayOf(
      (
        await t.http
          .get('/api/profile/usage')
          .set(bearer(alice.accessToken))
          .expect(200)
      ).body,
    );
    await t.http.get('/api/profile/usage').set(apiKey(key.key)).expect(200);
    const viaQuery = await t.http
      .get(`/api/profile/usage?api_key=${key.key}`)
      .expect(200);
    // Earlier reads, the header read, and this one.
    expect(todayOf(viaQuery.body)).toEqual({
      day: utcDay(),
      count: before.count + 2,
      by_api_key: { [key.id]: before.by_api_key[key.id] + 2 },
    });
  });

  it('keeps each user’s counts apart', async () => {
    const aliceBefore = todayOf(
      (
        await t.http
          .get('/api/profile/usage')
          .set(bearer(alice.accessToken))
          .expect(200)
      ).body,
    ).count;
    await t.http.get('/api/profile').set(bearer(bob.accessToken)).expect(200);
    await t.http
      .get('/api/profile')
      .set(basic(bob.username, bob.password))
      .expect(200);
    const bobs = await t.http
      .get('/api/profile/usage')
      .set(bearer(bob.accessToken))
      .expect(200);
    expect(todayOf(bobs.body)).toEqual({
      day: utcDay(),
      count: 3,
      by_api_key: {},
    });
    const alices = await t.http
      .get('/api/profile/usage')
      .set(bearer(alice.accessToken))
      .expect(200);
    expect(todayOf(alices.body).count).toBe(aliceBefore + 1);
  });

  it('counts neither public routes nor requests whose credential is refused', async () => {
    const carol = await registerUser(t.http);
    await loginAs(t.http, carol.username, carol.password);
    await t.http.get('/api/health').expect(200);
    await t.http
      .get('/api/profile')
      .set(basic(carol.username, 'wrong password'))
      .expect(401);
    await t.http.get('/api/profile').set(bearer('not-a-token')).expect(401);
    const response = await t.http
      .get('/api/profile/usage')
      .set(bearer(carol.accessToken))
      .expect(200);
    expect(response.body.count).toBe(1);
  });

  it('answers only the days asked for', async () => {
    const yesterday = utcDay(-1);
    const response = await t.http
      .get(`/api/profile/usage?from=${yesterday}&to=${yesterday}`)
      .set(bearer(alice.accessToken))
      .expect(200);
    expect(response.body).toEqual({
      from: yesterday,
      to: yesterday,
      count: 0,
      days: [],
    });
  });

  it.each([
    ['from=2025-02-30', 'from must be a date as YYYY-MM-DD'],
    ['to=yesterday', 'to must be a date as YYYY-MM-DD'],
    ['from=2025-01-01T00:00:00Z', 'from must be a date as YYYY-MM-DD'],
    ['from=2025-01-02&to=2025-01-01', 'from must not be after to'],
    ['from=2024-01-01&to=2025-01-01', 'from and to must span at most 366 days'],
  ])('refuses %s with 400 naming the field', async (query, message) => {
    const response = await t.http
      .get(`/api/profile/usage?${query}`)
      .set(bearer(alice.accessToken))
      .expect(400);
    expect(JSON.stringify(response.body.message)).toContain(message);
  });

  it('needs a credential', async () => {
    const response = await t.http.get('/api/profile/usage').expect(401);
    expect(response.headers['www-authenticate']).toBeDefined();
  });
});

describe('GET /api/usage (administration)', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let adminToken: string;
  let key: { id: string; key: string };

  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
    adminToken = (await loginAs(t.http, ADMIN.username, ADMIN.password))
      .accessToken;
    alice = await registerUser(t.http);
    bob = await registerUser(t.http);
    key = await createKey(t, alice, ['data:read']);
    for (let i = 0; i < 4; i += 1) {
      await t.http.get('/api/data').set(apiKey(key.key)).expect(200);
    }
    await t.http.get('/api/profile').set(bearer(bob.accessToken)).expect(200);
  });
  afterAll(() => t.close());

  it('shows every user’s daily counts, most requests first, with usernames', async () => {
    const response = await t.http
      .get('/api/usage')
      .set(bearer(adminToken))
      .expect(200);
    expect(response.body).toMatchObject({
      from: utcDay(-29),
      to: utcDay(),
      page: 1,
      limit: 20,
    });
    const items: {
      user_id: string;
      username: string;
      count: number;
      days: UsageDay[];
    }[] = response.body.items;
    const byUser = Object.fromEntries(
      items.map((item) => [item.user_id, item]),
    );
    expect(byUser[alice.id]).toEqual({
      user_id: alice.id,
      username: alice.username,
      count: 5,
      days: [{ day: utcDay(), count: 5, by_api_key: { [key.id]: 4 } }],
    });
    expect(byUser[bob.id]).toMatchObject({
      username: bob.username,
      count: 1,
    });
    // The admin's own request is counted too.
    expect(items.map((item) => item.username)).toContain(ADMIN.username);
    expect(response.body.total).toBe(3);
    const counts = items.map((item) => item.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('filters by user and pages', async () => {
    const onlyBob = await t.http
      .get(`/api/usage?user_id=${bob.id}`)
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);
    expect(onlyBob.body.total).toBe(1);
    expect(onlyBob.body.items).toEqual([
      {
        user_id: bob.id,
        username: bob.username,
        count: 1,
        days: [{ day: utcDay(), count: 1, by_api_key: {} }],
      },
    ]);
    const first = await t.http
      .get('/api/usage?limit=1')
      .set(bearer(adminToken))
      .expect(200);
    const second = await t.http
      .get('/api/usage?limit=1&page=2')
      .set(bearer(adminToken))
      .expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(second.body.items).toHaveLength(1);
    expect(first.body.total).toBe(3);
    expect(second.body.items[0].user_id).not.toBe(first.body.items[0].user_id);
  });

  it('is for admins only', async () => {
    const response = await t.http
      .get('/api/usage')
      .set(bearer(alice.accessToken))
      .expect(403);
    expect(response.body.error).toBe('Forbidden');
    // An API key is not a way in, even an admin's.
    await t.http.get('/api/usage').set(apiKey(key.key)).expect(401);
  });

  it('refuses bad filters with 400 naming the field', async () => {
    const badDate = await t.http
      .get('/api/usage?to=2025-13-01')
      .set(bearer(adminToken))
      .expect(400);
    expect(badDate.body.message).toBe('to must be a date as YYYY-MM-DD');
    const badUser = await t.http
      .get('/api/usage?user_id=alice')
      .set(bearer(adminToken))
      .expect(400);
    expect(JSON.stringify(badUser.body.message)).toContain('user_id');
  });
});

describe('usage counts across a restart', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    // The first app owns the data folder and database: close it last.
    for (const app of [...apps].reverse()) {
      await app.close();
    }
  });

  it('writes the counts still in memory when the app closes', async () => {
    const first = await createTestApp();
    apps.push(first);
    const dave = await registerUser(first.http);
    for (let i = 0; i < 3; i += 1) {
      await first.http
        .get('/api/profile')
        .set(bearer(dave.accessToken))
        .expect(200);
    }
    // Still in memory: the flush interval (5 s) has not come round yet.
    expect(
      await first.app
        .get(DataSource)
        .getRepository(UsageDaily)
        .countBy({ userId: dave.id }),
    ).toBe(0);
    const second = await restart(first);
    apps.push(second);
    const stored = await second.app
      .get(DataSource)
      .getRepository(UsageDaily)
      .findBy({ userId: dave.id });
    expect(stored).toEqual([
      { day: utcDay(), userId: dave.id, apiKeyId: '', count: 3 },
    ]);
    const response = await second.http
      .get('/api/profile/usage')
      .set(bearer(dave.accessToken))
      .expect(200);
    expect(todayOf(response.body).count).toBe(4);
  });
});
