// Cookie sessions for browsers: sign-in and sign-out, the sid cookie as a credential, CSRF on
// unsafe methods, listing and revoking, idle and absolute lifetimes, and revocation from elsewhere.
import { createHash } from 'node:crypto';
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../src/auth/authenticated-user';
import { Auth } from '../src/auth/decorators/auth.decorator';
import { CurrentUser } from '../src/auth/decorators/current-user.decorator';
import { Session } from '../src/sessions/session.entity';
import { cryptoModule } from './support/spied-modules';
import { createTestApp, restart, type TestApp } from './support/app';
import {
  type RegisteredUser,
  registerUser,
  uniqueUsername,
  USER_FIELDS,
} from './support/factories';
import { apiKey, basic, bearer, dataFor } from './support/http';

/** An unsafe route open to every scheme: shows which ones the CSRF check applies to. */
@Controller('csrf-probe')
class CsrfProbeController {
  @Post()
  @HttpCode(200)
  @Auth('basic', 'jwt', 'api-key', 'session')
  touch(@CurrentUser() user: AuthenticatedUser) {
    return { username: user.username, scheme: user.scheme };
  }
}

@Module({ controllers: [CsrfProbeController] })
class CsrfProbeModule {}

const ADMIN = { username: 'warden', password: 'warden-password-1' };
const ADMIN_ENV = {
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
};
const SESSION_FIELDS = [
  'created_at',
  'current',
  'id',
  'ip',
  'last_seen_at',
  'user_agent',
];

interface ParsedCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; a flag (HttpOnly) maps to ''. */
  attributes: Map<string, string>;
}

interface SignedIn {
  /** The sid cookie's value. */
  sid: string;
  /** Ready for the Cookie request header. */
  cookie: string;
  csrf: string;
  userId: string;
  setCookie: ParsedCookie;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sleepUntil(instant: number): Promise<void> {
  return sleep(Math.max(0, instant - Date.now()));
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Each value of a header as sent, however the client would join repeated ones. */
function rawHeaderValues(response: Response, name: string): string[] {
  const raw = (response as Response & { res: { rawHeaders: string[] } }).res
    .rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === name) {
      values.push(raw[i + 1]);
    }
  }
  return values;
}

function setCookies(response: Response): ParsedCookie[] {
  return rawHeaderValues(response, 'set-cookie').map((line) => {
    const [pair, ...rest] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const attributes = new Map<string, string>();
    for (const attribute of rest) {
      const at = attribute.indexOf('=');
      attributes.set(
        (at < 0 ? attribute : attribute.slice(0, at)).toLowerCase(),
        at < 0 ? '' : attribute.slice(at + 1),
      );
    }
    return {
      name: pair.slice(0, eq),
      value: decodeURIComponent(pair.slice(eq + 1)),
      attributes,
    };
  });
}

async function signIn(
  http: TestAgent,
  username: string,
  password: string,
  userAgent = 'jest-browser/1.0',
): Promise<SignedIn> {
  const response = await http
    .post('/api/session')
    .set('User-Agent', userAgent)
    .send({ username, password });
  if (response.status !== 200) {
    throw new Error(
      `sign-in failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  const cookies = setCookies(response);
  expect(cookies).toHaveLength(1);
  const [setCookie] = cookies;
  expect(setCookie.name).toBe('sid');
  return {
    sid: setCookie.value,
    cookie: `sid=${encodeURIComponent(setCookie.value)}`,
    csrf: response.body.csrf_token,
    userId: response.body.user.id,
    setCookie,
  };
}

/** 200 with the user's profile when the session is alive, else the status it got. */
async function profileStatus(http: TestAgent, cookie: string): Promise<number> {
  const response = await http.get('/api/profile').set('Cookie', cookie);
  return response.status;
}

async function expectSessionDead(
  http: TestAgent,
  session: SignedIn,
): Promise<void> {
  const response = await http
    .get('/api/profile')
    .set('Cookie', session.cookie)
    .expect(401);
  expect(response.body.message).toBe('Invalid or expired session');
  expect(response.body.user).toBeUndefined();
}

async function expectSessionAlive(
  http: TestAgent,
  session: SignedIn,
): Promise<void> {
  const response = await http
    .get('/api/profile')
    .set('Cookie', session.cookie)
    .expect(200);
  expect(response.body.user.id).toBe(session.userId);
}

describe('cookie sessions', () => {
  let t: TestApp;
  let http: TestAgent;
  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV, imports: [CsrfProbeModule] });
    http = t.http;
  });
  afterAll(() => t.close());

  describe('POST /api/session', () => {
    it('signs in from a JSON body with the user, a CSRF token and one HttpOnly, SameSite=Lax sid cookie', async () => {
      const user = await registerUser(http);
      const response = await http
        .post('/api/session')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(Object.keys(response.body).sort()).toEqual(['csrf_token', 'user']);
      expect(Object.keys(response.body.user).sort()).toEqual(USER_FIELDS);
      expect(response.body.user).toMatchObject({
        id: user.id,
        username: user.username,
      });
      expect(response.body.csrf_token).toMatch(/^[A-Za-z0-9_-]{32,}$/);

      const cookies = setCookies(response);
      expect(cookies).toHaveLength(1);
      const [sid] = cookies;
      expect(sid.name).toBe('sid');
      expect(sid.value).toMatch(/^[A-Za-z0-9_-]{32,}$/);
      expect(sid.value).not.toBe(response.body.csrf_token);
      expect(sid.attributes.has('httponly')).toBe(true);
      expect(sid.attributes.get('samesite')?.toLowerCase()).toBe('lax');
      expect(sid.attributes.get('path')).toBe('/');
      expect(sid.attributes.has('secure')).toBe(false);

      const profile = await http
        .get('/api/profile')
        .set('Cookie', `sid=${sid.value}`)
        .expect(200);
      expect(profile.body.user.id).toBe(user.id);
    });

    it('signs in from an HTML form body', async () => {
      const user = await registerUser(http);
      const response = await http
        .post('/api/session')
        .type('form')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(response.body.user.id).toBe(user.id);
      expect(typeof response.body.csrf_token).toBe('string');
      const cookies = setCookies(response);
      expect(cookies.map((cookie) => cookie.name)).toEqual(['sid']);
      const profile = await http
        .get('/api/profile')
        .set('Cookie', `sid=${cookies[0].value}`)
        .expect(200);
      expect(profile.body.user.username).toBe(user.username);
    });

    it('never shows the cookie value again, nor the CSRF token outside GET /api/session, and lists the session under another id', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);

      const mine = await http
        .get('/api/sessions')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(mine.body).toHaveLength(1);
      expect(mine.body[0].current).toBe(true);
      expect(mine.body[0].id).toMatch(/^[0-9a-f-]{36}$/);
      expect(mine.body[0].id).not.toBe(session.sid);

      const viaToken = await http
        .get('/api/sessions')
        .set(bearer(user.accessToken))
        .expect(200);
      const profile = await http
        .get('/api/profile')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(profile.body.user.id).toBe(user.id);
      for (const body of [mine.body, viaToken.body, profile.body]) {
        const text = JSON.stringify(body);
        expect(text).not.toContain(session.sid);
        expect(text).not.toContain(session.csrf);
      }
    });

    it('answers 401 with one message and sets no cookie for a wrong password or an unknown user', async () => {
      const user = await registerUser(http);
      const wrongPassword = await http
        .post('/api/session')
        .send({ username: user.username, password: 'not the password' })
        .expect(401);
      const unknownUser = await http
        .post('/api/session')
        .send({ username: uniqueUsername('ghost'), password: user.password })
        .expect(401);
      for (const response of [wrongPassword, unknownUser]) {
        expect(response.body.message).toBe('Invalid username or password');
        expect(response.body.csrf_token).toBeUndefined();
        expect(response.headers['set-cookie']).toBeUndefined();
        expect(response.headers['www-authenticate']).toBeDefined();
      }
      // The account itself is fine: the right password signs in.
      await signIn(http, user.username, user.password);
    });

    it('answers 400 naming the missing field, without a cookie', async () => {
      const noPassword = await http
        .post('/api/session')
        .send({ username: uniqueUsername() })
        .expect(400);
      expect(String(noPassword.body.message)).toContain('password');
      expect(noPassword.headers['set-cookie']).toBeUndefined();

      const noUsername = await http
        .post('/api/session')
        .send({ password: 'correct horse 1' })
        .expect(400);
      expect(String(noUsername.body.message)).toContain('username');
      expect(noUsername.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('the sid cookie as a credential', () => {
    let user: RegisteredUser;
    let session: SignedIn;
    beforeAll(async () => {
      user = await registerUser(http);
      session = await signIn(http, user.username, user.password);
    });

    it('authenticates GET /api/profile and GET /api/data', async () => {
      const profile = await http
        .get('/api/profile')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(profile.body.user).toMatchObject({
        id: user.id,
        username: user.username,
      });
      const data = await http
        .get('/api/data')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(data.body).toEqual(dataFor(user.username));
    });

    it('is ignored on a route that takes no sessions: alone it is 401, beside a bearer token the token decides', async () => {
      const alone = await http
        .get('/api/protected')
        .set('Cookie', session.cookie)
        .expect(401);
      expect(alone.body.message).toBe('Authentication required');
      expect(alone.headers['www-authenticate']).toBe(
        'Bearer realm="gatehouse"',
      );

      const withToken = await http
        .get('/api/protected')
        .set(bearer(user.accessToken))
        .set('Cookie', session.cookie)
        .expect(200);
      expect(withToken.body).toEqual({ message: `Hello, ${user.username}!` });

      // Not even checked: a garbage cookie rides along harmlessly.
      const withJunk = await http
        .get('/api/protected')
        .set(bearer(user.accessToken))
        .set('Cookie', 'sid=not-a-session')
        .expect(200);
      expect(withJunk.body).toEqual({ message: `Hello, ${user.username}!` });
    });

    it('answers 401 for a cookie naming no session', async () => {
      const response = await http
        .get('/api/profile')
        .set('Cookie', 'sid=not-a-session')
        .expect(401);
      expect(response.body.message).toBe('Invalid or expired session');
      expect(rawHeaderValues(response, 'www-authenticate')).toContain(
        'Cookie realm="gatehouse", cookie-name="sid"',
      );
    });
  });

  describe('CSRF protection of unsafe methods', () => {
    let user: RegisteredUser;
    let session: SignedIn;
    beforeAll(async () => {
      user = await registerUser(http);
      session = await signIn(http, user.username, user.password);
      await http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ first_name: 'Original' })
        .expect(200);
    });

    async function firstName(): Promise<string | null> {
      const response = await http
        .get('/api/profile')
        .set('Cookie', session.cookie)
        .expect(200);
      const name: string | null = response.body.user.first_name;
      return name;
    }

    it('refuses PATCH /api/profile without X-CSRF-Token with 403 and changes nothing', async () => {
      const response = await http
        .patch('/api/profile')
        .set('Cookie', session.cookie)
        .send({ first_name: 'Mallory' })
        .expect(403);
      expect(response.body.statusCode).toBe(403);
      expect(response.body.message).toContain('X-CSRF-Token');
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(await firstName()).toBe('Original');
    });

    it('refuses a wrong CSRF token with 403 and changes nothing', async () => {
      for (const wrong of ['wrong', `${session.csrf}x`, session.sid]) {
        const response = await http
          .patch('/api/profile')
          .set('Cookie', session.cookie)
          .set('X-CSRF-Token', wrong)
          .send({ first_name: 'Mallory' })
          .expect(403);
        expect(response.body.message).toContain('X-CSRF-Token');
      }
      expect(await firstName()).toBe('Original');
    });

    it('refuses the CSRF token of another session of the same user', async () => {
      const other = await signIn(http, user.username, user.password);
      expect(other.csrf).not.toBe(session.csrf);
      await http
        .patch('/api/profile')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', other.csrf)
        .send({ first_name: 'Mallory' })
        .expect(403);
      expect(await firstName()).toBe('Original');
    });

    it('applies the change with the CSRF token from sign-in', async () => {
      const response = await http
        .patch('/api/profile')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ first_name: 'Alice' })
        .expect(200);
      expect(response.body.user.first_name).toBe('Alice');
      expect(await firstName()).toBe('Alice');
    });

    it('needs no CSRF token for GET', async () => {
      const response = await http
        .get('/api/sessions')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(
        (response.body as { current: boolean }[]).filter((s) => s.current),
      ).toHaveLength(1);
    });

    it('needs no CSRF token for a bearer token on PATCH /api/profile', async () => {
      const response = await http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ last_name: 'Liddell' })
        .expect(200);
      expect(response.body.user.last_name).toBe('Liddell');
      const profile = await http
        .get('/api/profile')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(profile.body.user.last_name).toBe('Liddell');
    });

    it('asks only sessions for it: bearer, Basic and API-key requests pass an unsafe route without one', async () => {
      const created = await http
        .post('/api/api-keys')
        .set(bearer(user.accessToken))
        .send({ name: 'probe' })
        .expect(201);
      const key: string = created.body.key;

      const bySession = await http
        .post('/api/csrf-probe')
        .set('Cookie', session.cookie)
        .expect(403);
      expect(bySession.body.message).toContain('X-CSRF-Token');
      const bySessionWithToken = await http
        .post('/api/csrf-probe')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .expect(200);
      expect(bySessionWithToken.body).toEqual({
        username: user.username,
        scheme: 'session',
      });

      const cases: [Record<string, string>, string][] = [
        [bearer(user.accessToken), 'jwt'],
        [basic(user.username, user.password), 'basic'],
        [apiKey(key), 'api-key'],
      ];
      for (const [headers, scheme] of cases) {
        const response = await http
          .post('/api/csrf-probe')
          .set(headers)
          .expect(200);
        expect(response.body).toEqual({ username: user.username, scheme });
      }
    });
  });

  describe('GET /api/session', () => {
    it("gives the page that holds the cookie its user and the session's CSRF token again", async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      const first = await http
        .get('/api/session')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(first.body).toEqual({
        user: expect.objectContaining({ id: user.id, username: user.username }),
        csrf_token: session.csrf,
      });
      expect(first.headers['set-cookie']).toBeUndefined();
      // Asking again (another reload) changes nothing.
      const again = await http
        .get('/api/session')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(again.body.csrf_token).toBe(session.csrf);
      await http
        .patch('/api/profile')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', first.body.csrf_token)
        .send({ first_name: 'Reloaded' })
        .expect(200);
    });

    it('gives each session its own token', async () => {
      const user = await registerUser(http);
      const one = await signIn(http, user.username, user.password);
      const two = await signIn(http, user.username, user.password);
      const response = await http
        .get('/api/session')
        .set('Cookie', two.cookie)
        .expect(200);
      expect(response.body.csrf_token).toBe(two.csrf);
      expect(response.body.csrf_token).not.toBe(one.csrf);
    });

    it('answers 401 without a live session, even with a bearer token', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      await http
        .delete('/api/session')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .expect(204);
      const dead = await http
        .get('/api/session')
        .set('Cookie', session.cookie)
        .expect(401);
      expect(dead.body.csrf_token).toBeUndefined();
      const viaToken = await http
        .get('/api/session')
        .set(bearer(user.accessToken))
        .expect(401);
      expect(viaToken.body.csrf_token).toBeUndefined();
      await http.get('/api/session').expect(401);
    });
  });

  describe('DELETE /api/session', () => {
    it('signs out: 204, the cookie cleared, and the old cookie is 401 from then on', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      const response = await http
        .delete('/api/session')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .expect(204);
      expect(response.text).toBe('');
      const cookies = setCookies(response);
      expect(cookies).toHaveLength(1);
      const [cleared] = cookies;
      expect(cleared.name).toBe('sid');
      expect(cleared.value).toBe('');
      expect(cleared.attributes.get('path')).toBe('/');
      const maxAge = cleared.attributes.get('max-age');
      const expires = cleared.attributes.get('expires');
      expect(
        maxAge === '0' ||
          (expires !== undefined && Date.parse(expires) < Date.now()),
      ).toBe(true);

      await expectSessionDead(http, session);
      const list = await http
        .get('/api/sessions')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(list.body).toEqual([]);
    });

    it('refuses to sign out without the CSRF token, and the session keeps working', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      const response = await http
        .delete('/api/session')
        .set('Cookie', session.cookie)
        .expect(403);
      expect(response.body.message).toContain('X-CSRF-Token');
      expect(response.headers['set-cookie']).toBeUndefined();
      await expectSessionAlive(http, session);
    });
  });

  describe('GET /api/sessions and DELETE /api/sessions/:id', () => {
    let user: RegisteredUser;
    let first: SignedIn;
    let second: SignedIn;
    let firstId: string;
    let secondId: string;
    beforeAll(async () => {
      user = await registerUser(http);
      first = await signIn(http, user.username, user.password, 'Browser A/1');
      second = await signIn(
        http,
        user.username,
        user.password,
        'Browser B/2 (Mobile)',
      );
    });

    it('lists the user’s sessions, marking the calling one current', async () => {
      const response = await http
        .get('/api/sessions')
        .set('Cookie', first.cookie)
        .expect(200);
      const items: Record<string, unknown>[] = response.body;
      expect(items).toHaveLength(2);
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual(SESSION_FIELDS);
        expect(item.id).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
        expect(Date.parse(item.created_at as string)).not.toBeNaN();
        expect(
          Date.parse(item.last_seen_at as string) >=
            Date.parse(item.created_at as string),
        ).toBe(true);
        expect(item.ip).toMatch(/127\.0\.0\.1|::1/);
      }
      const current = items.filter((item) => item.current === true);
      const others = items.filter((item) => item.current === false);
      expect(current).toHaveLength(1);
      expect(others).toHaveLength(1);
      expect(current[0].user_agent).toBe('Browser A/1');
      expect(others[0].user_agent).toBe('Browser B/2 (Mobile)');
      firstId = current[0].id as string;
      secondId = others[0].id as string;

      const fromSecond = await http
        .get('/api/sessions')
        .set('Cookie', second.cookie)
        .expect(200);
      const secondCurrent = (
        fromSecond.body as { id: string; current: boolean }[]
      ).find((item) => item.current);
      expect(secondCurrent?.id).toBe(secondId);
    });

    it('marks none current for a bearer token', async () => {
      const response = await http
        .get('/api/sessions')
        .set(bearer(user.accessToken))
        .expect(200);
      const items: { id: string; current: boolean }[] = response.body;
      expect(items.map((item) => item.id).sort()).toEqual(
        [firstId, secondId].sort(),
      );
      expect(items.every((item) => item.current === false)).toBe(true);
    });

    it('answers 404 for another user’s session id, which keeps working', async () => {
      const stranger = await registerUser(http);
      const response = await http
        .delete(`/api/sessions/${firstId}`)
        .set(bearer(stranger.accessToken))
        .expect(404);
      expect(response.body.statusCode).toBe(404);
      await expectSessionAlive(http, first);
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const response = await http
        .delete('/api/sessions/not-a-uuid')
        .set(bearer(user.accessToken))
        .expect(400);
      expect(String(response.body.message)).toMatch(/uuid/i);
      await expectSessionAlive(http, first);
      await expectSessionAlive(http, second);
    });

    it('revokes one session: 204, its cookie is 401 next request, the other still works', async () => {
      // The second session is in memory, keyed by its token: a request hashes nothing.
      const hash = jest.spyOn(cryptoModule, 'hash');
      try {
        await expectSessionAlive(http, second);
        await expectSessionAlive(http, second);
        expect(hash).not.toHaveBeenCalled();
      } finally {
        hash.mockRestore();
      }
      const response = await http
        .delete(`/api/sessions/${secondId}`)
        .set(bearer(user.accessToken))
        .expect(204);
      expect(response.text).toBe('');
      await expectSessionDead(http, second);
      await expectSessionAlive(http, first);
      const list = await http
        .get('/api/sessions')
        .set(bearer(user.accessToken))
        .expect(200);
      expect((list.body as { id: string }[]).map((item) => item.id)).toEqual([
        firstId,
      ]);
      await http
        .delete(`/api/sessions/${secondId}`)
        .set(bearer(user.accessToken))
        .expect(404);
    });
  });

  describe('revocation from elsewhere', () => {
    it('POST /api/logout/all ends every session of the user', async () => {
      const user = await registerUser(http);
      const a = await signIn(http, user.username, user.password, 'A');
      const b = await signIn(http, user.username, user.password, 'B');
      const bystander = await registerUser(http);
      const theirs = await signIn(http, bystander.username, bystander.password);
      await http
        .post('/api/logout/all')
        .set(bearer(user.accessToken))
        .expect(204);
      await expectSessionDead(http, a);
      await expectSessionDead(http, b);
      await expectSessionAlive(http, theirs);
      // A new sign-in after it is not born dead.
      const fresh = await signIn(http, user.username, user.password);
      await expectSessionAlive(http, fresh);
    });

    it('a password change from a session keeps that session, ends the others and the user’s tokens', async () => {
      const user = await registerUser(http);
      const caller = await signIn(http, user.username, user.password, 'A');
      const other = await signIn(http, user.username, user.password, 'B');
      const newPassword = 'brand new password 2';

      await http
        .post('/api/profile/password')
        .set('Cookie', caller.cookie)
        .send({ current_password: user.password, new_password: newPassword })
        .expect(403);
      await expectSessionAlive(http, other);

      const response = await http
        .post('/api/profile/password')
        .set('Cookie', caller.cookie)
        .set('X-CSRF-Token', caller.csrf)
        .send({ current_password: user.password, new_password: newPassword })
        .expect(204);
      expect(response.text).toBe('');

      await expectSessionAlive(http, caller);
      const patched = await http
        .patch('/api/profile')
        .set('Cookie', caller.cookie)
        .set('X-CSRF-Token', caller.csrf)
        .send({ first_name: 'Still here' })
        .expect(200);
      expect(patched.body.user.first_name).toBe('Still here');
      await expectSessionDead(http, other);
      const tokenResponse = await http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(401);
      expect(tokenResponse.body.user).toBeUndefined();
      await http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(401);

      await http
        .post('/api/session')
        .send({ username: user.username, password: user.password })
        .expect(401);
      await signIn(http, user.username, newPassword);
    });

    it('disabling the user ends their sessions, and re-enabling does not revive them', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      await expectSessionAlive(http, session);

      const disabled = await http
        .patch(`/api/users/${user.id}`)
        .set(basic(ADMIN.username, ADMIN.password))
        .send({ disabled: true })
        .expect(200);
      expect(disabled.body.user.disabled).toBe(true);
      await expectSessionDead(http, session);

      const enabled = await http
        .patch(`/api/users/${user.id}`)
        .set(basic(ADMIN.username, ADMIN.password))
        .send({ disabled: false })
        .expect(200);
      expect(enabled.body.user.disabled).toBe(false);
      await expectSessionDead(http, session);

      const fresh = await signIn(http, user.username, user.password);
      await expectSessionAlive(http, fresh);
    });

    it('deleting the user ends their sessions', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      await expectSessionAlive(http, session);
      await http
        .delete(`/api/users/${user.id}`)
        .set(basic(ADMIN.username, ADMIN.password))
        .expect(204);
      await expectSessionDead(http, session);
      const again = await http
        .post('/api/session')
        .send({ username: user.username, password: user.password })
        .expect(401);
      expect(again.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('storage', () => {
    it('keeps only SHA-256 hashes of the cookie value and the CSRF token', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      const list = await http
        .get('/api/sessions')
        .set('Cookie', session.cookie)
        .expect(200);
      const id: string = list.body[0].id;

      const dataSource = t.app.get(DataSource);
      const row = await dataSource
        .getRepository(Session)
        .createQueryBuilder('s')
        .addSelect('s.tokenHash')
        .addSelect('s.csrfHash')
        .where('s.id = :id', { id })
        .getOneOrFail();
      expect(row.userId).toBe(user.id);
      expect(row.tokenHash).toBe(sha256Hex(session.sid));
      expect(row.csrfHash).toBe(sha256Hex(session.csrf));

      // No column of any row holds either value in clear.
      const everything = JSON.stringify(
        await dataSource.query('select * from sessions'),
      );
      expect(everything).toContain(sha256Hex(session.sid));
      expect(everything).not.toContain(session.sid);
      expect(everything).not.toContain(session.csrf);
    });
  });

  describe('GET /api/admin/stats', () => {
    it('answers an admin session with counts that match the data', async () => {
      const admin = await signIn(http, ADMIN.username, ADMIN.password);
      await http
        .post('/api/api-keys')
        .set('Cookie', admin.cookie)
        .set('X-CSRF-Token', admin.csrf)
        .send({ name: 'stats' })
        .expect(201);

      const stats = await http
        .get('/api/admin/stats')
        .set('Cookie', admin.cookie)
        .expect(200);
      expect(Object.keys(stats.body).sort()).toEqual([
        'api_keys',
        'sessions',
        'users',
      ]);
      const users = await http
        .get('/api/users')
        .set(basic(ADMIN.username, ADMIN.password))
        .expect(200);
      expect(stats.body.users).toBe(users.body.total);
      expect(stats.body.users).toBeGreaterThanOrEqual(2);
      expect(stats.body.api_keys).toBeGreaterThanOrEqual(1);
      expect(stats.body.sessions).toBeGreaterThanOrEqual(1);

      await signIn(http, ADMIN.username, ADMIN.password);
      const after = await http
        .get('/api/admin/stats')
        .set('Cookie', admin.cookie)
        .expect(200);
      expect(after.body.sessions).toBe(stats.body.sessions + 1);
    });

    it('answers 403 to a non-admin session', async () => {
      const user = await registerUser(http);
      const session = await signIn(http, user.username, user.password);
      const response = await http
        .get('/api/admin/stats')
        .set('Cookie', session.cookie)
        .expect(403);
      expect(response.body.statusCode).toBe(403);
      expect(response.body.users).toBeUndefined();
      await expectSessionAlive(http, session);
    });

    it('answers 401 with a Bearer and a Cookie challenge when no credential is sent', async () => {
      const response = await http.get('/api/admin/stats').expect(401);
      expect(response.body.message).toBe('Authentication required');
      expect(rawHeaderValues(response, 'www-authenticate').sort()).toEqual([
        'Bearer realm="gatehouse"',
        'Cookie realm="gatehouse", cookie-name="sid"',
      ]);
    });
  });
});

describe('COOKIE_SECURE=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { COOKIE_SECURE: 'true' } });
  });
  afterAll(() => t.close());

  it('marks the sid cookie Secure', async () => {
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.username, user.password);
    expect(session.setCookie.attributes.has('secure')).toBe(true);
    expect(session.setCookie.attributes.has('httponly')).toBe(true);
    expect(session.setCookie.attributes.get('samesite')?.toLowerCase()).toBe(
      'lax',
    );
    await expectSessionAlive(t.http, session);
  });
});

describe('SESSION_IDLE_TIMEOUT', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SESSION_IDLE_TIMEOUT: '2s' } });
  });
  afterAll(() => t.close());

  it('ends a session left idle past the timeout while one in steady use stays alive', async () => {
    const user = await registerUser(t.http);
    const idle = await signIn(t.http, user.username, user.password, 'idle');
    const busy = await signIn(t.http, user.username, user.password, 'busy');
    await expectSessionAlive(t.http, idle);
    const idleUsedAt = Date.now();
    await expectSessionAlive(t.http, busy);

    await sleep(1000);
    await expectSessionAlive(t.http, busy);
    await sleep(1000);
    await expectSessionAlive(t.http, busy);
    await sleepUntil(idleUsedAt + 2500);
    await expectSessionDead(t.http, idle);
    const list = await t.http
      .get('/api/sessions')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(
      (list.body as { user_agent: string }[]).map((s) => s.user_agent),
    ).toEqual(['busy']);
    await sleepUntil(idleUsedAt + 3000);
    expect(await profileStatus(t.http, busy.cookie)).toBe(200);
  }, 15_000);
});

describe('SESSION_MAX_AGE', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { SESSION_MAX_AGE: '3s', SESSION_IDLE_TIMEOUT: '1h' },
    });
  });
  afterAll(() => t.close());

  it('gives the cookie Max-Age=3 and ends the session after 3 s however busy', async () => {
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.username, user.password);
    const signedInAt = Date.now();
    expect(session.setCookie.attributes.get('max-age')).toBe('3');

    await sleep(1000);
    await expectSessionAlive(t.http, session);
    await sleep(1000);
    await expectSessionAlive(t.http, session);
    await sleepUntil(signedInAt + 3200);
    await expectSessionDead(t.http, session);
    const list = await t.http
      .get('/api/sessions')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(list.body).toEqual([]);
  }, 15_000);
});

describe('GET /api/session for a session whose CSRF token was random', () => {
  it('switches it to the token derived from the cookie; the random one stops working', async () => {
    let t = await createTestApp();
    try {
      const user = await registerUser(t.http);
      const session = await signIn(t.http, user.username, user.password);
      // Sessions signed in before the token was derived kept a random one's hash.
      const legacy = 'a-random-token-from-an-older-version';
      await t.app
        .get(DataSource)
        .getRepository(Session)
        .update(
          { userId: user.id },
          { csrfHash: createHash('sha256').update(legacy).digest('hex') },
        );
      t = await restart(t);
      await t.http
        .patch('/api/profile')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', legacy)
        .send({ first_name: 'Before' })
        .expect(200);

      const response = await t.http
        .get('/api/session')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(response.body.csrf_token).toBe(session.csrf);
      await t.http
        .patch('/api/profile')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', legacy)
        .send({ first_name: 'Refused' })
        .expect(403);
      const changed = await t.http
        .patch('/api/profile')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', response.body.csrf_token)
        .send({ first_name: 'After' })
        .expect(200);
      expect(changed.body.user.first_name).toBe('After');
    } finally {
      await t.close();
    }
  });
});
