import { bcryptModule } from './support/spied-modules';
import { createTestApp, type TestApp } from './support/app';
import { registerUser } from './support/factories';
import { basic, bearer } from './support/http';

const ADMIN = { username: 'root', password: 'root-password-1' };

describe('Basic credentials cache', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
    });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('runs bcrypt for the first request of a pair only', async () => {
    const user = await registerUser(t.http);
    const compare = jest.spyOn(bcryptModule, 'compare');
    await t.http
      .get('/api/data')
      .set(basic(user.username, user.password))
      .expect(200);
    expect(compare).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3; i += 1) {
      await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(200);
    }
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('never takes a wrong password on trust: each one costs bcrypt and fails', async () => {
    const user = await registerUser(t.http);
    await t.http
      .get('/api/data')
      .set(basic(user.username, user.password))
      .expect(200);
    const compare = jest.spyOn(bcryptModule, 'compare');
    await t.http
      .get('/api/data')
      .set(basic(user.username, `${user.password}x`))
      .expect(401);
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('refuses a cached pair while its username is locked for the address', async () => {
    const user = await registerUser(t.http);
    await t.http
      .get('/api/data')
      .set(basic(user.username, user.password))
      .expect(200);
    // A guesser from the same address: five wrong passwords lock the pair.
    for (let i = 0; i < 5; i += 1) {
      await t.http
        .get('/api/data')
        .set(basic(user.username, `wrong-${i}`))
        .expect(401);
    }
    const compare = jest.spyOn(bcryptModule, 'compare');
    // The right password, cached from its owner's requests, must not answer differently from
    // a wrong one while the lock holds: that would tell the guesser which guess was right.
    const right = await t.http
      .get('/api/data')
      .set(basic(user.username, user.password))
      .expect(429);
    const wrong = await t.http
      .get('/api/data')
      .set(basic(user.username, 'another-guess'))
      .expect(429);
    expect(right.body).toEqual(wrong.body);
    expect(right.headers['retry-after']).toBeDefined();
    expect(compare).not.toHaveBeenCalled();
  });

  it('forgets the old password at once when it is changed', async () => {
    const user = await registerUser(t.http);
    await t.http
      .get('/api/profile')
      .set(basic(user.username, user.password))
      .expect(200);
    await t.http
      .post('/api/profile/password')
      .set(bearer(user.accessToken))
      .send({ current_password: user.password, new_password: 'new password 9' })
      .expect(204);
    await t.http
      .get('/api/profile')
      .set(basic(user.username, user.password))
      .expect(401);
    await t.http
      .get('/api/profile')
      .set(basic(user.username, 'new password 9'))
      .expect(200);
  });

  it('refuses a cached pair from the next request on once the user is disabled, and once deleted', async () => {
    const disabled = await registerUser(t.http);
    const deleted = await registerUser(t.http);
    for (const user of [disabled, deleted]) {
      await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(200);
    }
    await t.http
      .patch(`/api/users/${disabled.id}`)
      .set(basic(ADMIN.username, ADMIN.password))
      .send({ disabled: true })
      .expect(200);
    await t.http
      .delete(`/api/users/${deleted.id}`)
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(204);
    for (const user of [disabled, deleted]) {
      await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(401);
    }
  });

  it('sees a role change on the next request of a cached pair', async () => {
    const user = await registerUser(t.http);
    await t.http
      .get('/api/users')
      .set(basic(user.username, user.password))
      .expect(403);
    await t.http
      .patch(`/api/users/${user.id}`)
      .set(basic(ADMIN.username, ADMIN.password))
      .send({ roles: ['admin'] })
      .expect(200);
    await t.http
      .get('/api/users')
      .set(basic(user.username, user.password))
      .expect(200);
  });
});
