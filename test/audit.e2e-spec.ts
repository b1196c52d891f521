// The audit trail over HTTP: each security event is recorded with who, from where and how it
// ended; admins page and filter it; no secret ever reaches the table.
import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from './support/app';
import {
  loginAs,
  type RegisteredUser,
  registerUser,
  uniqueUsername,
} from './support/factories';
import { apiKey, basic, bearer } from './support/http';

const ADMIN = { username: 'auditor', password: 'auditor-password-1' };
const ADMIN_ENV = {
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
};
const USER_AGENT = 'audit-e2e/1.0';
const LOCALHOST = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

interface AuditEventBody {
  id: string;
  occurred_at: string;
  type: string;
  outcome: 'success' | 'failure';
  user_id: string | null;
  actor_id: string | null;
  username: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

interface AuditPage {
  items: AuditEventBody[];
  total: number;
  page: number;
  limit: number;
}

let sequence = 0;
/** A fresh X-Request-Id, to find the events of one request. */
function requestId(label: string): string {
  sequence += 1;
  return `audit-${label}-${sequence}-${randomBytes(4).toString('hex')}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sidCookie(response: Response): string {
  const header = response.headers['set-cookie'] as unknown as string[];
  const sid = header.find((line) => line.startsWith('sid='));
  if (!sid) {
    throw new Error('no sid cookie');
  }
  return decodeURIComponent(sid.slice(4, sid.indexOf(';')));
}

describe('audit trail', () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: string;
  /** Every secret this file sends or receives: none may appear in the trail. */
  const secrets: string[] = [ADMIN.password];

  async function list(query = ''): Promise<AuditPage> {
    const response = await t.http
      .get(`/api/audit${query}`)
      .set(bearer(adminToken))
      .expect(200);
    const page: AuditPage = response.body;
    return page;
  }

  /** The events one request left, oldest first. */
  async function eventsOf(id: string): Promise<AuditEventBody[]> {
    return (await list(`?request_id=${id}&limit=100`)).items.reverse();
  }

  /** The one event one request left. */
  async function eventOf(id: string): Promise<AuditEventBody> {
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    return events[0];
  }

  async function newUser(): Promise<RegisteredUser> {
    const user = await registerUser(t.http, {
      password: `pw-${randomBytes(12).toString('hex')}`,
    });
    secrets.push(user.password, user.accessToken, user.refreshToken);
    return user;
  }

  beforeAll(async () => {
    // A reuse grace of two seconds: a replay within it and one after it are audited apart.
    t = await createTestApp({
      env: { ...ADMIN_ENV, REFRESH_REUSE_GRACE: '2' },
    });
    const tokens = await loginAs(t.http, ADMIN.username, ADMIN.password);
    adminToken = tokens.accessToken;
    secrets.push(tokens.accessToken, tokens.refreshToken);
    adminId = (
      await t.http.get('/api/profile').set(bearer(adminToken)).expect(200)
    ).body.user.id;
  });
  afterAll(() => t.close());

  it('records a registration with the client’s IP, user agent and request id', async () => {
    const id = requestId('register');
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const username = uniqueUsername('Reg');
    secrets.push(password);
    const response = await t.http
      .post('/api/register')
      .set('X-Request-Id', id)
      .set('User-Agent', USER_AGENT)
      .send({ username: ` ${username} `, password })
      .expect(201);
    secrets.push(response.body.access_token, response.body.refresh_token);
    const event = await eventOf(id);
    expect(event).toEqual({
      id: expect.any(String),
      occurred_at: expect.any(String),
      type: 'register',
      outcome: 'success',
      user_id: response.body.user.id,
      actor_id: response.body.user.id,
      username: username.toLowerCase(),
      ip: expect.stringMatching(LOCALHOST),
      user_agent: USER_AGENT,
      request_id: id,
      details: null,
    });
    expect(Math.abs(Date.parse(event.occurred_at) - Date.now())).toBeLessThan(
      60_000,
    );
  });

  it('records logins by token, successful or not, with the name tried even when no account has it', async () => {
    const alice = await newUser();
    const ok = requestId('login-ok');
    const okResponse = await t.http
      .post('/api/login')
      .set('X-Request-Id', ok)
      .send({ username: alice.username, password: alice.password })
      .expect(200);
    secrets.push(okResponse.body.access_token, okResponse.body.refresh_token);
    expect(await eventOf(ok)).toMatchObject({
      type: 'login',
      outcome: 'success',
      user_id: alice.id,
      username: alice.username,
      details: { scheme: 'jwt' },
    });

    const viaHeader = requestId('login-basic');
    const headerResponse = await t.http
      .post('/api/login')
      .set('X-Request-Id', viaHeader)
      .set(basic(alice.username, alice.password))
      .expect(200);
    secrets.push(
      headerResponse.body.access_token,
      headerResponse.body.refresh_token,
    );
    expect(await eventOf(viaHeader)).toMatchObject({
      type: 'login',
      outcome: 'success',
      user_id: alice.id,
    });

    const wrong = requestId('login-wrong');
    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
    secrets.push(wrongPassword);
    await t.http
      .post('/api/login')
      .set('X-Request-Id', wrong)
      .send({
        username: ` ${alice.username.toUpperCase()} `,
        password: wrongPassword,
      })
      .expect(401);
    expect(await eventOf(wrong)).toMatchObject({
      type: 'login',
      outcome: 'failure',
      user_id: null,
      actor_id: null,
      username: alice.username,
      ip: expect.stringMatching(LOCALHOST),
      details: { scheme: 'jwt' },
    });

    const unknown = requestId('login-unknown');
    await t.http
      .post('/api/login')
      .set('X-Request-Id', unknown)
      .send({ username: 'Nobody.Here', password: wrongPassword })
      .expect(401);
    expect(await eventOf(unknown)).toMatchObject({
      type: 'login',
      outcome: 'failure',
      user_id: null,
      username: 'nobody.here',
    });
  });

  it('records cookie sign-ins, successful or not, with the session’s id', async () => {
    const bob = await newUser();
    const ok = requestId('session-ok');
    const response = await t.http
      .post('/api/session')
      .set('X-Request-Id', ok)
      .set('User-Agent', USER_AGENT)
      .send({ username: bob.username, password: bob.password })
      .expect(200);
    secrets.push(sidCookie(response), response.body.csrf_token);
    const sessions = await t.http
      .get('/api/sessions')
      .set(bearer(bob.accessToken))
      .expect(200);
    expect(await eventOf(ok)).toMatchObject({
      type: 'login',
      outcome: 'success',
      user_id: bob.id,
      user_agent: USER_AGENT,
      details: { scheme: 'session', session_id: sessions.body[0].id },
    });

    const failed = requestId('session-failed');
    await t.http
      .post('/api/session')
      .set('X-Request-Id', failed)
      .send({ username: bob.username, password: `${bob.password}x` })
      .expect(401);
    expect(await eventOf(failed)).toMatchObject({
      type: 'login',
      outcome: 'failure',
      user_id: null,
      username: bob.username,
      details: { scheme: 'session' },
    });
  });

  it('does not record each request authenticated with Basic, good or bad', async () => {
    const carol = await newUser();
    const good = requestId('basic-good');
    await t.http
      .get('/api/profile')
      .set('X-Request-Id', good)
      .set(basic(carol.username, carol.password))
      .expect(200);
    const bad = requestId('basic-bad');
    await t.http
      .get('/api/profile')
      .set('X-Request-Id', bad)
      .set(basic(carol.username, `${carol.password}x`))
      .expect(401);
    expect(await eventsOf(good)).toEqual([]);
    expect(await eventsOf(bad)).toEqual([]);
  });

  it('records a logout with the refresh token family it ended', async () => {
    const dave = await newUser();
    const id = requestId('logout');
    await t.http
      .post('/api/logout')
      .set('X-Request-Id', id)
      .set(bearer(dave.accessToken))
      .send({ refresh_token: dave.refreshToken })
      .expect(204);
    const event = await eventOf(id);
    expect(event).toMatchObject({
      type: 'logout',
      outcome: 'success',
      user_id: dave.id,
      actor_id: dave.id,
      username: dave.username,
      details: { scheme: 'jwt', refresh_family_id: expect.any(String) },
    });
  });

  it('records logout everywhere', async () => {
    const erin = await newUser();
    const id = requestId('logout-all');
    await t.http
      .post('/api/logout/all')
      .set('X-Request-Id', id)
      .set(basic(erin.username, erin.password))
      .expect(204);
    expect(await eventOf(id)).toMatchObject({
      type: 'logout_all',
      outcome: 'success',
      user_id: erin.id,
      details: { scheme: 'basic' },
    });
  });

  it('records a replayed refresh token against its owner, with no known actor', async () => {
    const frank = await newUser();
    const rotated = await t.http
      .post('/api/refresh')
      .send({ refresh_token: frank.refreshToken })
      .expect(200);
    secrets.push(rotated.body.access_token, rotated.body.refresh_token);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const id = requestId('reuse');
    await t.http
      .post('/api/refresh')
      .set('X-Request-Id', id)
      .send({ refresh_token: frank.refreshToken })
      .expect(401);
    expect(await eventOf(id)).toMatchObject({
      type: 'refresh_token_reuse',
      outcome: 'failure',
      user_id: frank.id,
      actor_id: null,
      details: { family_id: expect.any(String) },
    });
  });

  it('records a spent refresh token replayed within the grace apart from a theft, with no known actor', async () => {
    const gina = await newUser();
    const rotated = await t.http
      .post('/api/refresh')
      .send({ refresh_token: gina.refreshToken })
      .expect(200);
    secrets.push(rotated.body.access_token, rotated.body.refresh_token);
    const id = requestId('replay');
    const replayed = await t.http
      .post('/api/refresh')
      .set('X-Request-Id', id)
      .send({ refresh_token: gina.refreshToken })
      .expect(200);
    expect(replayed.body.refresh_token).toBe(rotated.body.refresh_token);
    await t.http
      .post('/api/logout')
      .set(bearer(rotated.body.access_token))
      .expect(204);
    const refusedId = requestId('replay-refused');
    await t.http
      .post('/api/refresh')
      .set('X-Request-Id', refusedId)
      .send({ refresh_token: gina.refreshToken })
      .expect(401);
    expect(await eventOf(id)).toMatchObject({
      type: 'refresh_token_replay',
      outcome: 'success',
      user_id: gina.id,
      actor_id: null,
      details: { family_id: expect.any(String), reason: null },
    });
    expect(await eventOf(refusedId)).toMatchObject({
      type: 'refresh_token_replay',
      outcome: 'failure',
      user_id: gina.id,
      actor_id: null,
      details: {
        family_id: expect.any(String),
        reason: 'access_token_revoked',
      },
    });
  });

  it('records password changes, refused and done', async () => {
    const grace = await newUser();
    const newPassword = `new-${randomBytes(12).toString('hex')}`;
    secrets.push(newPassword);
    const refused = requestId('password-refused');
    await t.http
      .post('/api/profile/password')
      .set('X-Request-Id', refused)
      .set(bearer(grace.accessToken))
      .send({
        current_password: `${grace.password}x`,
        new_password: newPassword,
      })
      .expect(403);
    expect(await eventOf(refused)).toMatchObject({
      type: 'password_change',
      outcome: 'failure',
      user_id: grace.id,
    });
    const done = requestId('password-done');
    await t.http
      .post('/api/profile/password')
      .set('X-Request-Id', done)
      .set(bearer(grace.accessToken))
      .send({ current_password: grace.password, new_password: newPassword })
      .expect(204);
    expect(await eventOf(done)).toMatchObject({
      type: 'password_change',
      outcome: 'success',
      user_id: grace.id,
      details: { scheme: 'jwt' },
    });
  });

  it('records API keys created and deleted, by id and never by value', async () => {
    const heidi = await newUser();
    const created = requestId('key-created');
    const response = await t.http
      .post('/api/api-keys')
      .set('X-Request-Id', created)
      .set(bearer(heidi.accessToken))
      .send({ name: 'ci', scopes: ['data:read'] })
      .expect(201);
    const key: string = response.body.key;
    secrets.push(key, key.slice('gkey_'.length + 8 + 1));
    await t.http.get('/api/data').set(apiKey(key)).expect(200);
    expect(await eventOf(created)).toMatchObject({
      type: 'api_key_created',
      outcome: 'success',
      user_id: heidi.id,
      details: {
        api_key_id: response.body.id,
        name: 'ci',
        scopes: ['data:read'],
        expires_at: null,
      },
    });
    const deleted = requestId('key-deleted');
    await t.http
      .delete(`/api/api-keys/${response.body.id}`)
      .set('X-Request-Id', deleted)
      .set(bearer(heidi.accessToken))
      .expect(204);
    expect(await eventOf(deleted)).toMatchObject({
      type: 'api_key_deleted',
      outcome: 'success',
      user_id: heidi.id,
      details: { api_key_id: response.body.id },
    });
    // A key that is not there: nothing happened, nothing recorded.
    const missing = requestId('key-missing');
    await t.http
      .delete(`/api/api-keys/${response.body.id}`)
      .set('X-Request-Id', missing)
      .set(bearer(heidi.accessToken))
      .expect(404);
    expect(await eventsOf(missing)).toEqual([]);
  });

  it('records sessions revoked from the list and by signing out', async () => {
    const ivan = await newUser();
    const signIn = async () => {
      const response = await t.http
        .post('/api/session')
        .send({ username: ivan.username, password: ivan.password })
        .expect(200);
      const sid = sidCookie(response);
      secrets.push(sid, response.body.csrf_token);
      return {
        cookie: `sid=${encodeURIComponent(sid)}`,
        csrf: response.body.csrf_token as string,
      };
    };
    const first = await signIn();
    const second = await signIn();
    const listed = await t.http
      .get('/api/sessions')
      .set('Cookie', second.cookie)
      .expect(200);
    const other = (listed.body as { id: string; current: boolean }[]).find(
      (session) => !session.current,
    );
    const current = (listed.body as { id: string; current: boolean }[]).find(
      (session) => session.current,
    );
    const revoked = requestId('session-revoked');
    await t.http
      .delete(`/api/sessions/${other?.id}`)
      .set('X-Request-Id', revoked)
      .set(bearer(ivan.accessToken))
      .expect(204);
    expect(await eventOf(revoked)).toMatchObject({
      type: 'session_revoked',
      outcome: 'success',
      user_id: ivan.id,
      details: { session_id: other?.id, sign_out: false, scheme: 'jwt' },
    });
    const signOut = requestId('sign-out');
    await t.http
      .delete('/api/session')
      .set('X-Request-Id', signOut)
      .set('Cookie', second.cookie)
      .set('X-CSRF-Token', second.csrf)
      .expect(204);
    expect(await eventOf(signOut)).toMatchObject({
      type: 'session_revoked',
      outcome: 'success',
      user_id: ivan.id,
      details: { session_id: current?.id, sign_out: true },
    });
    expect(first.cookie).not.toBe(second.cookie);
  });

  it('records an admin’s role and disabled changes with the admin as actor', async () => {
    const judy = await newUser();
    const promote = requestId('promote');
    await t.http
      .patch(`/api/users/${judy.id}`)
      .set('X-Request-Id', promote)
      .set(bearer(adminToken))
      .send({ roles: ['admin'] })
      .expect(200);
    expect(await eventOf(promote)).toMatchObject({
      type: 'user_updated',
      outcome: 'success',
      user_id: judy.id,
      actor_id: adminId,
      username: judy.username,
      details: { by: ADMIN.username, roles: ['user', 'admin'] },
    });
    const disable = requestId('disable');
    await t.http
      .patch(`/api/users/${judy.id}`)
      .set('X-Request-Id', disable)
      .set(basic(ADMIN.username, ADMIN.password))
      .send({ disabled: true })
      .expect(200);
    const event = await eventOf(disable);
    expect(event).toMatchObject({
      type: 'user_updated',
      user_id: judy.id,
      actor_id: adminId,
      details: { by: ADMIN.username, disabled: true },
    });
    expect(event.details).not.toHaveProperty('roles');
  });

  it('records an admin deleting a user, and keeps that user’s events', async () => {
    const mallory = await newUser();
    const id = requestId('delete-user');
    await t.http
      .delete(`/api/users/${mallory.id}`)
      .set('X-Request-Id', id)
      .set(bearer(adminToken))
      .expect(204);
    expect(await eventOf(id)).toMatchObject({
      type: 'user_deleted',
      outcome: 'success',
      user_id: mallory.id,
      actor_id: adminId,
      username: mallory.username,
    });
    const history = await list(`?user_id=${mallory.id}`);
    expect(history.items.map((event) => event.type)).toEqual([
      'user_deleted',
      'register',
    ]);
  });

  it('filters by type, outcome, user, actor, username and time', async () => {
    const kim = await newUser();
    for (let i = 0; i < 2; i += 1) {
      await t.http
        .post('/api/login')
        .send({ username: kim.username, password: `${kim.password}x` })
        .expect(401);
    }
    const tokens = await loginAs(t.http, kim.username, kim.password);
    secrets.push(tokens.accessToken, tokens.refreshToken);
    await t.http
      .patch(`/api/users/${kim.id}`)
      .set(bearer(adminToken))
      .send({ disabled: true })
      .expect(200);

    const failures = await list(
      `?type=login&outcome=failure&username=${kim.username}`,
    );
    expect(failures.total).toBe(2);
    expect(
      failures.items.map((event) => [event.type, event.outcome, event.user_id]),
    ).toEqual([
      ['login', 'failure', null],
      ['login', 'failure', null],
    ]);
    // The name is normalised like a login's.
    const shouted = await list(
      `?username=${encodeURIComponent(` ${kim.username.toUpperCase()} `)}`,
    );
    expect(shouted.total).toBe(5);
    const aboutKim = await list(`?user_id=${kim.id}`);
    expect(aboutKim.items.map((event) => event.type)).toEqual([
      'user_updated',
      'login',
      'register',
    ]);
    const byAdminAboutKim = await list(
      `?actor_id=${adminId}&user_id=${kim.id}`,
    );
    expect(byAdminAboutKim.items.map((event) => event.type)).toEqual([
      'user_updated',
    ]);
    const kimsOwn = await list(`?actor_id=${kim.id}&type=login`);
    expect(kimsOwn.items.map((event) => event.outcome)).toEqual(['success']);

    const today = new Date().toISOString().slice(0, 10);
    const all = await list('?limit=1');
    expect((await list(`?from=${today}&to=${today}&limit=1`)).total).toBe(
      all.total,
    );
    const tomorrow = new Date(Date.now() + 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect((await list(`?from=${tomorrow}`)).total).toBe(0);
    const newest = all.items[0];
    const upToNewest = await list(
      `?to=${encodeURIComponent(newest.occurred_at)}&limit=1`,
    );
    expect(upToNewest.total).toBe(all.total);
    const afterNewest = new Date(Date.parse(newest.occurred_at) + 1);
    expect(
      (await list(`?from=${encodeURIComponent(afterNewest.toISOString())}`))
        .total,
    ).toBe(0);
  });

  it('pages newest first', async () => {
    for (let i = 0; i < 12; i += 1) {
      await newUser();
    }
    const everything = await list('?limit=100');
    expect(everything.total).toBeGreaterThanOrEqual(12);
    const times = everything.items.map((event) =>
      Date.parse(event.occurred_at),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const first = await list('?limit=5');
    const second = await list('?limit=5&page=2');
    expect(first).toMatchObject({ page: 1, limit: 5, total: everything.total });
    expect(second.page).toBe(2);
    expect([...first.items, ...second.items].map((event) => event.id)).toEqual(
      everything.items.slice(0, 10).map((event) => event.id),
    );
    const defaults = await list();
    expect(defaults.limit).toBe(20);
    expect(defaults.items).toEqual(everything.items.slice(0, 20));
  });

  it.each([
    ['type=bogus', 'type must be one of the following values'],
    ['outcome=maybe', 'outcome must be one of the following values'],
    ['user_id=alice', 'user_id must be a UUID'],
    ['limit=101', 'limit must not be greater than 100'],
    ['page=0', 'page must not be less than 1'],
    ['from=last-week', 'from must be a valid ISO 8601 date string'],
    ['from=2025-01-02&to=2025-01-01', 'from must not be after to'],
  ])('refuses %s with 400 naming the field', async (query, message) => {
    const response = await t.http
      .get(`/api/audit?${query}`)
      .set(bearer(adminToken))
      .expect(400);
    expect(JSON.stringify(response.body.message)).toContain(message);
  });

  it('is for admins only', async () => {
    const user = await newUser();
    const response = await t.http
      .get('/api/audit')
      .set(bearer(user.accessToken))
      .expect(403);
    expect(response.body.error).toBe('Forbidden');
    expect(response.body).not.toHaveProperty('items');
    await t.http.get('/api/audit').expect(401);
  });

  // Last: it sweeps the events and secrets of every test above.
  it('never stores a secret: no password, token, key, cookie, CSRF token or hash in any column', async () => {
    const dataSource = t.app.get(DataSource);
    const hashes: string[] = [];
    for (const [table, columns] of [
      ['users', ['password_hash']],
      ['api_keys', ['secret_hash']],
      ['sessions', ['token_hash', 'csrf_hash']],
      ['refresh_tokens', ['token_hash']],
    ] as const) {
      const rows: Record<string, string>[] = await dataSource.query(
        `SELECT ${columns.map((column) => `"${column}"`).join(', ')} FROM "${table}"`,
      );
      for (const row of rows) {
        hashes.push(...Object.values(row));
      }
    }
    expect(hashes.length).toBeGreaterThan(10);
    const forbidden = [...secrets, ...secrets.map(sha256Hex), ...hashes].filter(
      (secret) => secret.length >= 8,
    );
    const rows: Record<string, string | number | Date | null>[] =
      await dataSource.query('SELECT * FROM "audit_events"');
    expect(rows.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const text = value instanceof Date ? '' : String(value);
        for (const secret of forbidden) {
          if (text.includes(secret)) {
            leaks.push(`${column} of ${String(row.type)} ${String(row.id)}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
