import { createTestApp, type TestApp } from './support/app';
import {
  type RegisteredUser,
  registerUser,
  uniqueUsername,
  USER_FIELDS,
} from './support/factories';
import { basic, bearer } from './support/http';

/** The wire shape of a user, as GET /api/profile returns it. */
interface UserJson {
  id: string;
  username: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  roles: string[];
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

describe('/api/profile', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Email changes apply at once without verification; with it (the default), they wait for
    // the emailed link: test/email-verification.e2e-spec.ts.
    t = await createTestApp({ env: { EMAIL_VERIFICATION: 'off' } });
  });
  afterAll(() => t.close());

  async function profileOf(user: RegisteredUser): Promise<UserJson> {
    const response = await t.http
      .get('/api/profile')
      .set(bearer(user.accessToken))
      .expect(200);
    const profile: UserJson = response.body.user;
    return profile;
  }

  describe('GET /api/profile', () => {
    it('returns the bearer holder’s account with exactly the public fields', async () => {
      const username = uniqueUsername('prof');
      const user = await registerUser(t.http, {
        username,
        email: `${username}@example.com`,
        first_name: 'Ada',
        last_name: 'Lovelace',
      });
      const response = await t.http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(Object.keys(response.body)).toEqual(['user']);
      expect(Object.keys(response.body.user).sort()).toEqual(USER_FIELDS);
      expect(response.body.user).toEqual({
        id: user.id,
        username,
        email: `${username}@example.com`,
        email_verified: false,
        pending_email: null,
        first_name: 'Ada',
        last_name: 'Lovelace',
        roles: ['user'],
        disabled: false,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(new Date(response.body.user.created_at).toISOString()).toBe(
        response.body.user.created_at,
      );
      expect(JSON.stringify(response.body)).not.toMatch(/password|hash/i);
    });

    it('returns the same account to HTTP Basic credentials', async () => {
      const user = await registerUser(t.http);
      const viaBasic = await t.http
        .get('/api/profile')
        .set(basic(user.username, user.password))
        .expect(200);
      expect(Object.keys(viaBasic.body.user).sort()).toEqual(USER_FIELDS);
      expect(JSON.stringify(viaBasic.body)).not.toMatch(/password|hash/i);
      expect(viaBasic.body.user).toEqual(await profileOf(user));
      expect(viaBasic.body.user.username).toBe(user.username);
    });

    it('answers 401 with a challenge per accepted scheme when no credential is sent', async () => {
      const response = await t.http.get('/api/profile').expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Authentication required',
      });
      expect(String(response.headers['www-authenticate'])).toContain(
        'Bearer realm="gatehouse"',
      );
      expect(String(response.headers['www-authenticate'])).toContain(
        'Basic realm="gatehouse"',
      );
    });
  });

  describe('PATCH /api/profile', () => {
    it('updates names and email, lower-casing the email, and a later GET shows it', async () => {
      const user = await registerUser(t.http);
      const email = `${uniqueUsername('Mixed')}@Example.COM`;
      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ first_name: 'Grace', last_name: 'Hopper', email })
        .expect(200);
      expect(response.body.user).toMatchObject({
        id: user.id,
        username: user.username,
        first_name: 'Grace',
        last_name: 'Hopper',
        email: email.toLowerCase(),
        roles: ['user'],
      });
      expect(Object.keys(response.body.user).sort()).toEqual(USER_FIELDS);
      expect(await profileOf(user)).toMatchObject({
        first_name: 'Grace',
        last_name: 'Hopper',
        email: email.toLowerCase(),
      });
    });

    it('changes only the fields sent', async () => {
      const username = uniqueUsername('partial');
      const user = await registerUser(t.http, {
        username,
        email: `${username}@example.com`,
        first_name: 'Alan',
        last_name: 'Turing',
      });
      await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ last_name: 'Kay' })
        .expect(200);
      expect(await profileOf(user)).toMatchObject({
        email: `${username}@example.com`,
        first_name: 'Alan',
        last_name: 'Kay',
      });
    });

    it('clears the email when it is sent as null', async () => {
      const username = uniqueUsername('clear');
      const user = await registerUser(t.http, {
        username,
        email: `${username}@example.com`,
      });
      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: null })
        .expect(200);
      expect(response.body.user.email).toBeNull();
      expect((await profileOf(user)).email).toBeNull();

      // The freed address can be taken by someone else.
      const other = await registerUser(t.http);
      await t.http
        .patch('/api/profile')
        .set(bearer(other.accessToken))
        .send({ email: `${username}@example.com` })
        .expect(200);
      expect((await profileOf(other)).email).toBe(`${username}@example.com`);
    });

    it('answers 409 for an email another user has, whatever its case, and changes nothing', async () => {
      const ownerName = uniqueUsername('owner');
      await registerUser(t.http, {
        username: ownerName,
        email: `${ownerName}@example.com`,
      });
      const username = uniqueUsername('taker');
      const user = await registerUser(t.http, {
        username,
        email: `${username}@example.com`,
        first_name: 'Old',
      });
      const before = await profileOf(user);

      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({
          email: `${ownerName.toUpperCase()}@EXAMPLE.com`,
          first_name: 'New',
        })
        .expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'email is already registered',
      });
      expect(await profileOf(user)).toEqual(before);
    });

    it('accepts the caller’s own email again, in another case', async () => {
      const username = uniqueUsername('same');
      const user = await registerUser(t.http, {
        username,
        email: `${username}@example.com`,
      });
      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: `${username.toUpperCase()}@EXAMPLE.COM` })
        .expect(200);
      expect(response.body.user.email).toBe(`${username}@example.com`);
    });

    it('answers 400 naming email for an invalid address and changes nothing', async () => {
      const user = await registerUser(t.http, { first_name: 'Kept' });
      const before = await profileOf(user);
      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: 'not-an-email', first_name: 'Lost' })
        .expect(400);
      expect(response.body.statusCode).toBe(400);
      expect(response.body.error).toBe('Bad Request');
      expect(response.body.message).toMatch(/email/);
      expect(await profileOf(user)).toEqual(before);
    });

    it('refuses roles in the body, so a user cannot make themself admin', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ roles: ['admin'] })
        .expect(400);
      expect(response.body.message).toMatch(/roles/);
      expect((await profileOf(user)).roles).toEqual(['user']);
      const adminRoute = await t.http
        .get('/api/users')
        .set(bearer(user.accessToken))
        .expect(403);
      expect(adminRoute.body.error).toBe('Forbidden');
    });

    it('refuses a password in the body and the old password keeps working', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ password: 'a brand new password', first_name: 'Sneaky' })
        .expect(400);
      expect(response.body.message).toMatch(/password/);
      expect((await profileOf(user)).first_name).toBeNull();
      await t.http
        .post('/api/login')
        .send({ username: user.username, password: 'a brand new password' })
        .expect(401);
      await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
    });

    it('answers 401 to Basic credentials, as the route accepts only jwt and session', async () => {
      const user = await registerUser(t.http, { first_name: 'Unchanged' });
      const response = await t.http
        .patch('/api/profile')
        .set(basic(user.username, user.password))
        .send({ first_name: 'Changed' })
        .expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'This route accepts only: jwt, session',
      });
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="gatehouse", Cookie realm="gatehouse", cookie-name="sid"',
      );
      expect((await profileOf(user)).first_name).toBe('Unchanged');
    });
  });
});
