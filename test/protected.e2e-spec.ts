import { createTestApp, type TestApp } from './support/app';
import { registerUser } from './support/factories';
import { basic, bearer } from './support/http';

describe('GET /api/protected', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('greets the holder of a valid access token by name', async () => {
    const user = await registerUser(t.http);
    const response = await t.http
      .get('/api/protected')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(response.body).toEqual({ message: `Hello, ${user.username}!` });
  });

  it('answers 401 with a Bearer challenge and no body details when no token is sent', async () => {
    const response = await t.http.get('/api/protected').expect(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="gatehouse"',
    );
    expect(response.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Authentication required',
    });
  });

  it('refuses Basic credentials, a scheme this route does not accept', async () => {
    const user = await registerUser(t.http);
    const response = await t.http
      .get('/api/protected')
      .set(basic(user.username, user.password))
      .expect(401);
    expect(response.body.message).toBe('This route accepts only: jwt');
  });
});
