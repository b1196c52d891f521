import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, restart, type TestApp } from './support/app';
import {
  loginAs,
  type RegisteredUser,
  registerUser,
  USER_FIELDS,
} from './support/factories';
import { basic, bearer } from './support/http';

const ADMIN = { username: 'root', password: 'root-password-1' };
const ADMIN_ENV = { ADMIN_USERNAME: 'Root', ADMIN_PASSWORD: ADMIN.password };

/** Each WWW-Authenticate header line as sent, however the client would join them. */
function challenges(response: Response): string[] {
  const raw = (response as Response & { res: { rawHeaders: string[] } }).res
    .rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'www-authenticate') {
      values.push(raw[i + 1]);
    }
  }
  return values;
}

/** Closes every app of a file, the first last: only it owns the data folder and database. */
async function closeAll(apps: TestApp[]): Promise<void> {
  for (const app of [...apps].reverse()) {
    await app.close();
  }
}

describe('ADMIN_USERNAME / ADMIN_PASSWORD at start', () => {
  const apps: TestApp[] = [];
  afterAll(() => closeAll(apps));

  it('creates the admin under the normalised name, able to log in', async () => {
    const t = await createTestApp({ env: ADMIN_ENV });
    apps.push(t);
    const { accessToken } = await loginAs(
      t.http,
      'Root',
      ADMIN_ENV.ADMIN_PASSWORD,
    );
    const profile = await t.http
      .get('/api/profile')
      .set(bearer(accessToken))
      .expect(200);
    expect(profile.body.user.username).toBe('root');
    expect(profile.body.user.roles).toEqual(
      expect.arrayContaining(['user', 'admin']),
    );
    await t.http
      .get('/api/users')
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);

    // A second start on the same data neither fails nor creates a second root.
    const again = await restart(t);
    apps.push(again);
    const list = await again.http
      .get('/api/users?limit=100')
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);
    const items: { username: string }[] = list.body.items;
    expect(items.filter((user) => user.username === 'root')).toHaveLength(1);
    expect(list.body.total).toBe(1);
  });

  it('promotes an existing user of that name, keeping their password', async () => {
    const first = await createTestApp();
    apps.push(first);
    const carol = await registerUser(first.http, {
      username: 'carol',
      password: 'carol-password-1',
    });
    await first.http
      .get('/api/users')
      .set(bearer(carol.accessToken))
      .expect(403);
    await first.app.close();

    const second = await createTestApp({
      dataDir: first.dataDir,
      env: {
        ...first.env,
        ADMIN_USERNAME: 'carol',
        ADMIN_PASSWORD: 'whatever-pass-1',
      },
    });
    apps.push(second);
    // Her token from before the promotion: roles are read live, not from the token.
    const list = await second.http
      .get('/api/users')
      .set(bearer(carol.accessToken))
      .expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      username: 'carol',
      roles: expect.arrayContaining(['user', 'admin']),
    });
    await loginAs(second.http, 'carol', 'carol-password-1');
    await second.http
      .post('/api/login')
      .send({ username: 'carol', password: 'whatever-pass-1' })
      .expect(401);
  });
});

describe('/api/users (administration)', () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
    adminToken = (await loginAs(t.http, ADMIN.username, ADMIN.password))
      .accessToken;
    const profile = await t.http
      .get('/api/profile')
      .set(bearer(adminToken))
      .expect(200);
    adminId = profile.body.user.id;
    for (let i = 0; i < 4; i += 1) {
      await registerUser(t.http);
    }
  });
  afterAll(() => t.close());

  const asAdmin = () => bearer(adminToken);

  async function userById(id: string): Promise<Response> {
    return t.http.get(`/api/users/${id}`).set(asAdmin());
  }

  describe('GET /api/users', () => {
    it('pages through every account in a stable order, without hashes', async () => {
      const all = await t.http
        .get('/api/users?limit=100')
        .set(asAdmin())
        .expect(200);
      expect(all.body.total).toBeGreaterThanOrEqual(5);
      const items: unknown[] = all.body.items;
      expect(items).toHaveLength(all.body.total);

      const first = await t.http
        .get('/api/users?page=1&limit=2')
        .set(asAdmin())
        .expect(200);
      expect(first.body).toEqual({
        items: items.slice(0, 2),
        total: all.body.total,
        page: 1,
        limit: 2,
      });
      for (const item of first.body.items) {
        expect(Object.keys(item).sort()).toEqual(USER_FIELDS);
      }
      expect(JSON.stringify(all.body)).not.toMatch(/password|hash/i);

      const second = await t.http
        .get('/api/users?page=2&limit=2')
        .set(asAdmin())
        .expect(200);
      expect(second.body).toEqual({
        items: items.slice(2, 4),
        total: all.body.total,
        page: 2,
        limit: 2,
      });
    });

    it('finds users by any part of their username, email or names, in any case, with paging', async () => {
      const tag = `zq${Date.now().toString(36)}`;
      const byName = await registerUser(t.http, {
        first_name: `Ada${tag.toUpperCase()}`,
      });
      const byEmail = await registerUser(t.http, {
        email: `${tag}@example.com`,
      });
      const byUsername = await registerUser(t.http, { username: `u_${tag}` });
      await registerUser(t.http, { last_name: 'Unrelated' });

      const all = await t.http
        .get(`/api/users?search=${tag.toUpperCase()}`)
        .set(asAdmin())
        .expect(200);
      expect(all.body.total).toBe(3);
      // Oldest first; accounts made in the same instant are ordered by id.
      expect(
        (all.body.items as { id: string }[]).map((user) => user.id).sort(),
      ).toEqual([byName.id, byEmail.id, byUsername.id].sort());
      const second = await t.http
        .get(`/api/users?search=${tag}&page=2&limit=2`)
        .set(asAdmin())
        .expect(200);
      expect(second.body).toEqual({
        items: [all.body.items[2]],
        total: 3,
        page: 2,
        limit: 2,
      });
    });

    it('matches % and _ in the search literally', async () => {
      const wildcard = await t.http
        .get(`/api/users?search=${encodeURIComponent('%')}`)
        .set(asAdmin())
        .expect(200);
      expect(wildcard.body).toMatchObject({ items: [], total: 0 });
      const underscore = await registerUser(t.http, {
        username: `x_${Date.now().toString(36)}`,
      });
      const found = await t.http
        .get(`/api/users?search=${encodeURIComponent(underscore.username)}`)
        .set(asAdmin())
        .expect(200);
      expect(
        (found.body.items as { id: string }[]).map((user) => user.id),
      ).toEqual([underscore.id]);
    });

    it('answers 400 naming search when it is over 100 characters', async () => {
      const response = await t.http
        .get(`/api/users?search=${'a'.repeat(101)}`)
        .set(asAdmin())
        .expect(400);
      expect(JSON.stringify(response.body.message)).toContain('search');
    });

    it('defaults to page 1 of 20', async () => {
      const response = await t.http.get('/api/users').set(asAdmin());
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ page: 1, limit: 20 });
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1000', 'limit'],
      ['page=abc', 'page'],
      ['page=0', 'page'],
    ])('answers 400 naming the field for %s', async (query, field) => {
      const response = await t.http
        .get(`/api/users?${query}`)
        .set(asAdmin())
        .expect(400);
      expect(response.body.error).toBe('Bad Request');
      expect(response.body.message).toMatch(new RegExp(`^${field} `));
    });
  });

  describe('GET /api/users/:id', () => {
    it('returns the account as {user}', async () => {
      const user = await registerUser(t.http);
      const profile = await t.http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(200);
      const response = await userById(user.id);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ user: profile.body.user });
    });

    it('answers 404 for an unknown id', async () => {
      const id = randomUUID();
      const response = await userById(id);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `No user with id ${id}`,
      });
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const response = await userById('not-a-uuid');
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/uuid/i);
    });
  });

  describe('PATCH /api/users/:id', () => {
    it('promotes a user, whose existing and new tokens then pass admin routes', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .patch(`/api/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['admin'] })
        .expect(200);
      expect(response.body.user.roles).toEqual(
        expect.arrayContaining(['user', 'admin']),
      );
      await t.http.get('/api/users').set(bearer(user.accessToken)).expect(200);
      const fresh = await loginAs(t.http, user.username, user.password);
      await t.http.get('/api/users').set(bearer(fresh.accessToken)).expect(200);
    });

    it('demotes a user, whose next request is 403', async () => {
      const user = await registerUser(t.http);
      await t.http
        .patch(`/api/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['admin'] })
        .expect(200);
      await t.http.get('/api/users').set(bearer(user.accessToken)).expect(200);

      const response = await t.http
        .patch(`/api/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['user'] })
        .expect(200);
      expect(response.body.user.roles).toEqual(['user']);
      const refused = await t.http
        .get('/api/users')
        .set(bearer(user.accessToken))
        .expect(403);
      expect(refused.body.message).toBe('This route needs the role admin');
    });

    it('answers 400 for an unknown role and keeps the roles', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .patch(`/api/users/${user.id}`)
        .set(asAdmin())
        .send({ roles: ['superuser'] })
        .expect(400);
      expect(response.body.message).toMatch(/roles/);
      expect((await userById(user.id)).body.user.roles).toEqual(['user']);
    });

    it.each([
      ['disable', { disabled: true }],
      ['demote', { roles: ['user'] }],
      ['demote (empty roles)', { roles: [] }],
    ])(
      'refuses to let an admin %s themself',
      async (_action, changes: object) => {
        const response = await t.http
          .patch(`/api/users/${adminId}`)
          .set(asAdmin())
          .send(changes)
          .expect(400);
        expect(response.body.message).toBe(
          'An admin cannot disable or demote their own account',
        );
        const self = await userById(adminId);
        expect(self.status).toBe(200);
        expect(self.body.user).toMatchObject({
          disabled: false,
          roles: expect.arrayContaining(['admin']),
        });
      },
    );

    it('disables a user, whose token and password then fail', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .patch(`/api/users/${user.id}`)
        .set(asAdmin())
        .send({ disabled: true })
        .expect(200);
      expect(response.body.user.disabled).toBe(true);
      await t.http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(401);
      await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(401);
    });
  });

  describe('DELETE /api/users/:id', () => {
    it('deletes the account: its token, its password and its id stop working', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .delete(`/api/users/${user.id}`)
        .set(asAdmin())
        .expect(204);
      expect(response.text).toBe('');
      const withToken = await t.http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(401);
      expect(withToken.body.message).toBe(
        'Invalid, expired or revoked access token',
      );
      await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(401);
      expect((await userById(user.id)).status).toBe(404);
      await t.http.delete(`/api/users/${user.id}`).set(asAdmin()).expect(404);
    });

    it('refuses to let an admin delete themself', async () => {
      const response = await t.http
        .delete(`/api/users/${adminId}`)
        .set(asAdmin())
        .expect(400);
      expect(response.body.message).toBe(
        'An admin cannot delete their own account',
      );
      expect((await userById(adminId)).status).toBe(200);
    });
  });

  describe('as a non-admin', () => {
    let caller: RegisteredUser;
    let victim: RegisteredUser;
    beforeAll(async () => {
      caller = await registerUser(t.http);
      victim = await registerUser(t.http);
    });

    const routes: [string, (id: string) => [string, string, object?]][] = [
      ['GET /api/users', () => ['get', '/api/users']],
      ['GET /api/users/:id', (id) => ['get', `/api/users/${id}`]],
      [
        'PATCH /api/users/:id',
        (id) => ['patch', `/api/users/${id}`, { roles: ['admin'] }],
      ],
      ['DELETE /api/users/:id', (id) => ['delete', `/api/users/${id}`]],
    ];

    it.each(routes)(
      '%s answers 403 with a JSON body, to a bearer token',
      async (_name, route) => {
        const [method, path, body] = route(victim.id);
        const response = await send(method, path, body).set(
          bearer(caller.accessToken),
        );
        expect(response.status).toBe(403);
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(response.body).toEqual({
          statusCode: 403,
          error: 'Forbidden',
          message: 'This route needs the role admin',
        });
        expect(response.headers['www-authenticate']).toBeUndefined();
      },
    );

    it.each(routes)(
      '%s answers 403 with a JSON body, to Basic credentials',
      async (_name, route) => {
        const [method, path, body] = route(victim.id);
        const response = await send(method, path, body).set(
          basic(caller.username, caller.password),
        );
        expect(response.status).toBe(403);
        expect(response.body.message).toBe('This route needs the role admin');
      },
    );

    it('leaves the target untouched after the refused PATCH and DELETE', async () => {
      const response = await userById(victim.id);
      expect(response.status).toBe(200);
      expect(response.body.user.roles).toEqual(['user']);
      expect((await userById(caller.id)).body.user.roles).toEqual(['user']);
    });

    it.each(routes)(
      '%s answers 401 with a Bearer, a session and a Basic challenge without credentials',
      async (_name, route) => {
        const [method, path, body] = route(victim.id);
        const response = await send(method, path, body);
        expect(response.status).toBe(401);
        expect(response.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Authentication required',
        });
        expect(challenges(response)).toEqual([
          'Bearer realm="gatehouse"',
          'Cookie realm="gatehouse", cookie-name="sid"',
          'Basic realm="gatehouse", charset="UTF-8"',
        ]);
      },
    );

    function send(method: string, path: string, body?: object) {
      const request =
        method === 'get'
          ? t.http.get(path)
          : method === 'patch'
            ? t.http.patch(path)
            : t.http.delete(path);
      return body ? request.send(body) : request;
    }
  });
});
