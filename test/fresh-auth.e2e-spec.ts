import { createTestApp, type TestApp } from './support/app';
import { loginAs, registerUser } from './support/factories';
import { bearer } from './support/http';

const REAUTHENTICATE = {
  statusCode: 403,
  error: 'Forbidden',
  reason: 'reauthentication_required',
  message: expect.stringContaining('POST /api/auth/reauthenticate'),
};

describe('fresh authentication for sensitive actions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lets a token from a sign-in create a full-access key and change the password', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await loginAs(t.http, user.username, user.password);
    const key = await t.http
      .post('/api/api-keys')
      .set(bearer(accessToken))
      .send({ name: 'everything' })
      .expect(201);
    expect(key.body.scopes).toEqual(['*']);
    await t.http
      .post('/api/profile/password')
      .set(bearer(accessToken))
      .send({ current_password: user.password, new_password: 'a new one 2' })
      .expect(204);
    await loginAs(t.http, user.username, 'a new one 2');
  });

  it('refuses a refreshed token, which is not a sign-in, and lets it make a scoped key', async () => {
    const user = await registerUser(t.http);
    const refreshed = await t.http
      .post('/api/refresh')
      .send({ refresh_token: user.refreshToken })
      .expect(200);
    const token = refreshed.body.access_token as string;
    const fullAccess = await t.http
      .post('/api/api-keys')
      .set(bearer(token))
      .send({ name: 'everything', scopes: ['data:read', '*'] })
      .expect(403);
    expect(fullAccess.body).toEqual(REAUTHENTICATE);
    const changed = await t.http
      .post('/api/profile/password')
      .set(bearer(token))
      .send({ current_password: user.password, new_password: 'a new one 2' })
      .expect(403);
    expect(changed.body).toEqual(REAUTHENTICATE);
    // Nothing changed: the old password still signs in.
    await loginAs(t.http, user.username, user.password);
    const scoped = await t.http
      .post('/api/api-keys')
      .set(bearer(token))
      .send({ name: 'read only', scopes: ['data:read'] })
      .expect(201);
    expect(scoped.body.scopes).toEqual(['data:read']);
  });
});

describe('fresh authentication after FRESH_AUTH_WINDOW', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { FRESH_AUTH_WINDOW: '1' } });
  });
  afterAll(() => t.close());

  it('asks a session and a token to re-authenticate once the window has passed', async () => {
    const user = await registerUser(t.http);
    const session = await t.http
      .post('/api/session')
      .send({ username: user.username, password: user.password })
      .expect(200);
    const cookie = session.headers['set-cookie'] as unknown as string[];
    const csrf = session.body.csrf_token as string;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const viaSession = await t.http
      .post('/api/api-keys')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ name: 'everything' })
      .expect(403);
    expect(viaSession.body).toEqual(REAUTHENTICATE);
    const viaToken = await t.http
      .post('/api/api-keys')
      .set(bearer(user.accessToken))
      .send({ name: 'everything' })
      .expect(403);
    expect(viaToken.body).toEqual(REAUTHENTICATE);
    expect(viaToken.body.message).toContain('within the last second');
  });
});
