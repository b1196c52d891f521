import { createTestApp, type TestApp } from './support/app';
import {
  loginAs,
  registerUser,
  uniqueUsername,
  USER_FIELDS,
} from './support/factories';
import { basic, bearer } from './support/http';

/** The token pair every successful register and login answers with. */
function expectTokenPair(body: Record<string, unknown>): void {
  expect(body).toMatchObject({
    access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    refresh_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: 900,
  });
  expect((body.refresh_token as string).length).toBeGreaterThanOrEqual(43);
}

describe('accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** The access token must open /api/protected as `username`. */
  async function expectGreeted(token: string, username: string) {
    const response = await t.http
      .get('/api/protected')
      .set(bearer(token))
      .expect(200);
    expect(response.body).toEqual({ message: `Hello, ${username}!` });
  }

  describe('POST /api/register', () => {
    it('creates an account from a JSON body and answers a user and a working token pair', async () => {
      const username = uniqueUsername();
      const response = await t.http
        .post('/api/register')
        .send({
          username,
          password: 'correct horse 1',
          email: `${username}@example.com`,
          first_name: 'Ada',
          last_name: 'Lovelace',
        })
        .expect(201);

      expectTokenPair(response.body);
      const { user } = response.body;
      expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
      expect(user).toMatchObject({
        id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        ),
        username,
        email: `${username}@example.com`,
        first_name: 'Ada',
        last_name: 'Lovelace',
        roles: ['user'],
        disabled: false,
      });
      expect(JSON.stringify(response.body)).not.toMatch(/password|hash/i);

      const profile = await t.http
        .get('/api/profile')
        .set(bearer(response.body.access_token))
        .expect(200);
      expect(profile.body.user).toEqual(user);
    });

    it('creates an account from an HTML form body like the Flask tutorial client sends', async () => {
      const username = uniqueUsername('form');
      const response = await t.http
        .post('/api/register')
        .type('form')
        .send({
          username,
          password: 'form password 1',
          first_name: 'Grace',
          last_name: 'Hopper',
        })
        .expect(201);

      expectTokenPair(response.body);
      expect(response.body.user).toMatchObject({
        username,
        first_name: 'Grace',
        last_name: 'Hopper',
        email: null,
      });
      expect(Object.keys(response.body.user).sort()).toEqual(USER_FIELDS);

      const profile = await t.http
        .get('/api/profile')
        .set(bearer(response.body.access_token))
        .expect(200);
      expect(profile.body.user.username).toBe(username);
      await loginAs(t.http, username, 'form password 1');
    });

    describe('username normalisation', () => {
      it('trims and lower-cases the username, and logs in under the stored form', async () => {
        const response = await t.http
          .post('/api/register')
          .send({ username: '  Alice.B ', password: 'correct horse 1' })
          .expect(201);
        expect(response.body.user.username).toBe('alice.b');
        await expectGreeted(response.body.access_token, 'alice.b');
        await loginAs(t.http, 'alice.b', 'correct horse 1');
      });

      it('applies NFKC so full-width letters become their plain form', async () => {
        const response = await t.http
          .post('/api/register')
          .send({ username: 'ＡＬＩＣＥ２', password: 'correct horse 1' })
          .expect(201);
        expect(response.body.user.username).toBe('alice2');

        const again = await t.http
          .post('/api/register')
          .send({ username: 'alice2', password: 'another pass 2' })
          .expect(409);
        expect(again.body.message).toMatch(/username/);
      });

      it.each([
        ['too short', 'ab'],
        ['too long', 'a'.repeat(33)],
        ['with a space inside', 'al ice'],
        ['with an @', 'alice@example'],
        ['that is empty', ''],
      ])('rejects a username %s with 400 naming username', async (_, name) => {
        const response = await t.http
          .post('/api/register')
          .send({ username: name, password: 'correct horse 1' })
          .expect(400);
        expect(response.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
        });
        expect(response.body.message).toMatch(/username/);
        await t.http
          .post('/api/login')
          .send({ username: name, password: 'correct horse 1' })
          .expect((res) => expect([400, 401]).toContain(res.status));
      });
    });

    describe('password rules', () => {
      it('rejects a password under 8 characters, naming password', async () => {
        const username = uniqueUsername();
        const response = await t.http
          .post('/api/register')
          .send({ username, password: 'short7!' })
          .expect(400);
        expect(response.body.message).toMatch(/password/);
        expect(response.body.message).toMatch(/8/);
        await t.http
          .post('/api/login')
          .send({ username, password: 'short7!' })
          .expect(401);
      });

      it('accepts 30 two-byte characters (60 bytes) but refuses 40 (80 bytes), naming password and 72', async () => {
        const accepted = uniqueUsername();
        await t.http
          .post('/api/register')
          .send({ username: accepted, password: 'é'.repeat(30) })
          .expect(201);
        await loginAs(t.http, accepted, 'é'.repeat(30));

        const refused = uniqueUsername();
        const response = await t.http
          .post('/api/register')
          .send({ username: refused, password: 'é'.repeat(40) })
          .expect(400);
        expect(response.body.message).toMatch(/password/);
        expect(response.body.message).toMatch(/72/);
        await t.http
          .post('/api/login')
          .send({ username: refused, password: 'é'.repeat(40) })
          .expect(401);
      });

      it('accepts a 72-byte password and does not let bcrypt truncation admit it with extra characters', async () => {
        const password = 'p'.repeat(71) + '9';
        expect(Buffer.byteLength(password, 'utf8')).toBe(72);
        const user = await registerUser(t.http, { password });
        await loginAs(t.http, user.username, password);

        const longer = await t.http
          .post('/api/login')
          .send({ username: user.username, password: `${password}extra` })
          .expect(401);
        expect(longer.body.message).toBe('Invalid username or password');
        await t.http
          .get('/api/profile')
          .set(basic(user.username, `${password}extra`))
          .expect(401);
      });

      it('rejects a password containing a NUL character', async () => {
        const username = uniqueUsername();
        const response = await t.http
          .post('/api/register')
          .send({ username, password: 'correct\u0000horse 1' })
          .expect(400);
        expect(response.body.message).toMatch(/password/);
        await t.http
          .post('/api/login')
          .send({ username, password: 'correct' })
          .expect(401);
      });
    });

    describe('conflicts', () => {
      it('answers 409 for a username taken in another case and keeps the first account intact', async () => {
        const first = await registerUser(t.http, {
          username: uniqueUsername('bob'),
          password: 'first password 1',
        });
        const response = await t.http
          .post('/api/register')
          .send({
            username: first.username.toUpperCase(),
            password: 'second password 2',
          })
          .expect(409);
        expect(response.body).toEqual({
          statusCode: 409,
          error: 'Conflict',
          message: expect.stringMatching(/username/),
        });

        const tokens = await loginAs(
          t.http,
          first.username,
          'first password 1',
        );
        await expectGreeted(tokens.accessToken, first.username);
        await t.http
          .post('/api/login')
          .send({ username: first.username, password: 'second password 2' })
          .expect(401);
      });

      it('answers 409 for an email taken in another case and keeps the first account intact', async () => {
        const local = uniqueUsername('carol');
        const first = await registerUser(t.http, {
          email: `${local}@Example.com`,
          password: 'first password 1',
        });
        const secondName = uniqueUsername();
        const response = await t.http
          .post('/api/register')
          .send({
            username: secondName,
            email: `${local.toUpperCase()}@example.COM`,
            password: 'second password 2',
          })
          .expect(409);
        expect(response.body.statusCode).toBe(409);
        expect(response.body.message).toMatch(/email/);

        const profile = await t.http
          .get('/api/profile')
          .set(basic(first.username, 'first password 1'))
          .expect(200);
        expect(profile.body.user.email).toBe(`${local}@example.com`);
        await t.http
          .post('/api/login')
          .send({ username: secondName, password: 'second password 2' })
          .expect(401);
      });

      it('lets exactly one of 10 concurrent registrations of a new username win; the rest get 409', async () => {
        const username = uniqueUsername('race');
        const responses = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            t.http
              .post('/api/register')
              .send({ username, password: `racer password ${i}` }),
          ),
        );
        const statuses = responses.map((r) => r.status).sort();
        expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
        for (const loser of responses.filter((r) => r.status === 409)) {
          expect(loser.body).toEqual({
            statusCode: 409,
            error: 'Conflict',
            message: 'username is already taken',
          });
        }

        const winnerIndex = responses.findIndex((r) => r.status === 201);
        const tokens = await loginAs(
          t.http,
          username,
          `racer password ${winnerIndex}`,
        );
        await expectGreeted(tokens.accessToken, username);
        const loserIndex = winnerIndex === 0 ? 1 : 0;
        await t.http
          .post('/api/login')
          .send({ username, password: `racer password ${loserIndex}` })
          .expect(401);
      });
    });

    describe('body validation', () => {
      it('rejects an unknown field with 400 naming it', async () => {
        const username = uniqueUsername();
        const response = await t.http
          .post('/api/register')
          .send({ username, password: 'correct horse 1', is_admin: true })
          .expect(400);
        expect(response.body.message).toMatch(/is_admin/);
        await t.http
          .post('/api/login')
          .send({ username, password: 'correct horse 1' })
          .expect(401);
      });

      it('rejects a missing username with 400 naming it', async () => {
        const response = await t.http
          .post('/api/register')
          .send({ password: 'correct horse 1' })
          .expect(400);
        expect(response.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
        });
        expect(response.body.message).toMatch(/username/);
      });
    });
  });

  describe('POST /api/login', () => {
    it('answers a working token pair for credentials in a JSON body', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(Object.keys(response.body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'token_type',
      ]);
      expectTokenPair(response.body);
      expect(response.body.refresh_token).not.toBe(user.refreshToken);
      await expectGreeted(response.body.access_token, user.username);
    });

    it('answers a working token pair for credentials in an HTML form body', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/login')
        .type('form')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expectTokenPair(response.body);
      await expectGreeted(response.body.access_token, user.username);
    });

    it('answers a working token pair for Authorization: Basic with no body', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/login')
        .set(basic(user.username, user.password))
        .expect(200);
      expectTokenPair(response.body);
      await expectGreeted(response.body.access_token, user.username);
    });

    it('accepts a password containing ":" over Basic, on /api/login and on /api/profile', async () => {
      const user = await registerUser(t.http, { password: 'pa:ss:word9' });
      const login = await t.http
        .post('/api/login')
        .set(basic(user.username, 'pa:ss:word9'))
        .expect(200);
      await expectGreeted(login.body.access_token, user.username);

      const profile = await t.http
        .get('/api/profile')
        .set(basic(user.username, 'pa:ss:word9'))
        .expect(200);
      expect(profile.body.user).toMatchObject({
        id: user.id,
        username: user.username,
      });

      await t.http
        .get('/api/profile')
        .set(basic(user.username, 'pa'))
        .expect(401);
    });

    it('answers a wrong password and an unknown username with the same 401 and a Basic challenge', async () => {
      const user = await registerUser(t.http);
      const wrongPassword = await t.http
        .post('/api/login')
        .send({ username: user.username, password: 'not the password' })
        .expect(401);
      const unknownUser = await t.http
        .post('/api/login')
        .send({ username: uniqueUsername('ghost'), password: user.password })
        .expect(401);

      expect(wrongPassword.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.any(String),
      });
      expect(unknownUser.body).toEqual(wrongPassword.body);
      for (const response of [wrongPassword, unknownUser]) {
        expect(response.headers['www-authenticate']).toMatch(
          /^Basic realm="gatehouse"/,
        );
        expect(response.body).not.toHaveProperty('access_token');
      }
    });

    it('normalises the username the way register does', async () => {
      const response = await t.http
        .post('/api/register')
        .send({ username: 'alice', password: 'correct horse 1' })
        .expect(201);
      expect(response.body.user.username).toBe('alice');

      const login = await t.http
        .post('/api/login')
        .send({ username: '  ALICE ', password: 'correct horse 1' })
        .expect(200);
      await expectGreeted(login.body.access_token, 'alice');
    });

    it('rejects a JSON body without password with 400 naming password', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/login')
        .send({ username: user.username })
        .expect(400);
      expect(response.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
      });
      expect(response.body.message).toMatch(/password/);
      expect(response.body).not.toHaveProperty('access_token');
    });

    it('serves the Python requests flow from the seed tutorials: json login, then Bearer on profile and protected', async () => {
      const user = await registerUser(t.http);
      // requests.post(url, json={...}) sends json.dumps output (", " and ": " separators).
      const pythonHeaders = {
        'User-Agent': 'python-requests/2.31.0',
        Accept: '*/*',
        'Accept-Encoding': 'gzip, deflate',
        Connection: 'keep-alive',
      };
      const response = await t.http
        .post('/api/login')
        .set(pythonHeaders)
        .set('Content-Type', 'application/json')
        .send(
          `{"username": "${user.username}", "password": "${user.password}"}`,
        )
        .expect(200);
      // response.json()['access_token']
      const token: unknown = response.body.access_token;
      expect(typeof token).toBe('string');

      // headers={'Authorization': f'Bearer {token}'}
      const profile = await t.http
        .get('/api/profile')
        .set(pythonHeaders)
        .set('Authorization', `Bearer ${String(token)}`)
        .expect(200);
      expect(profile.body.user.username).toBe(user.username);
      const greeting = await t.http
        .get('/api/protected')
        .set(pythonHeaders)
        .set('Authorization', `Bearer ${String(token)}`)
        .expect(200);
      expect(greeting.body).toEqual({ message: `Hello, ${user.username}!` });
    });
  });
});
