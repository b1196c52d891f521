import { bcryptModule } from './support/spied-modules';
import { createTestApp, type TestApp } from './support/app';
import { registerUser } from './support/factories';
import { basic } from './support/http';

const ADMIN = { username: 'root', password: 'root-password-1' };

/** The cost a bcrypt hash was made with: `$2b$04$…` → 4. */
function costOf(hash: string): number {
  return Number(hash.split('$')[2]);
}

describe('POST /api/login: equal work whatever the failure', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
    });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('spends one bcrypt comparison at the configured cost for an unknown user, a wrong password, a disabled account and a success', async () => {
    const user = await registerUser(t.http);
    const disabled = await registerUser(t.http);
    await t.http
      .patch(`/api/users/${disabled.id}`)
      .set(basic(ADMIN.username, ADMIN.password))
      .send({ disabled: true })
      .expect(200);

    const attempts = [
      { username: 'nobody-here', password: 'whatever-pass', status: 401 },
      { username: user.username, password: 'wrong-password', status: 401 },
      { username: disabled.username, password: disabled.password, status: 401 },
      { username: user.username, password: user.password, status: 200 },
    ];
    const bodies: unknown[] = [];
    for (const attempt of attempts) {
      const compare = jest.spyOn(bcryptModule, 'compare');
      const response = await t.http
        .post('/api/login')
        .send({ username: attempt.username, password: attempt.password })
        .expect(attempt.status);
      expect(compare).toHaveBeenCalledTimes(1);
      const hash = compare.mock.calls[0][1];
      expect(costOf(hash)).toBe(t.config.bcryptCost);
      if (attempt.status === 401) {
        bodies.push(response.body);
      }
      compare.mockRestore();
    }
    // One answer for all three failures: nothing tells which it was.
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
  });
});
