import { AuditService } from '../src/audit/audit.service';
import { createTestApp, type TestApp } from './support/app';
import {
  loginAs,
  registerUser,
  type RegisteredUser,
} from './support/factories';
import { apiKey, basic, bearer } from './support/http';
import { secretOf, totpCode, wrongCode } from './support/totp';

const ADMIN = { username: 'root', password: 'root password 1' };
const INVALID_CHALLENGE = {
  statusCode: 401,
  error: 'Unauthorized',
  message: 'challenge_token is invalid, expired or already used: sign in again',
};
const BASIC_REFUSED =
  'This account has a second factor, which HTTP Basic cannot carry: use an API key (X-API-Key) or sign in with POST /api/login';

interface Enrolled {
  secret: string;
  recoveryCodes: string[];
}

describe('sign-in with a second factor', () => {
  let t: TestApp;
  /** Moves the clock forward (TOTP steps, challenge expiry) without sleeping. */
  let offsetMs = 0;
  const realNow = Date.now.bind(Date);

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    offsetMs = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** On to the next 30 s time step, whose TOTP code was not used yet. */
  function nextStep(): void {
    offsetMs += 30_000;
  }

  async function enrol(user: RegisteredUser): Promise<Enrolled> {
    const started = await t.http
      .post('/api/second-factors/totp')
      .set(bearer(user.accessToken))
      .expect(201);
    const secret = secretOf(started.body.otpauth_uri as string);
    const confirmed = await t.http
      .post('/api/second-factors/totp/confirm')
      .set(bearer(user.accessToken))
      .send({ code: totpCode(secret) })
      .expect(200);
    nextStep();
    return { secret, recoveryCodes: confirmed.body.recovery_codes };
  }

  async function challengeFor(
    user: RegisteredUser,
    path = '/api/login',
  ): Promise<string> {
    const response = await t.http
      .post(path)
      .send({ username: user.username, password: user.password })
      .expect(200);
    expect(response.body.second_factor_required).toBe(true);
    return response.body.challenge_token as string;
  }

  async function withTotp(): Promise<RegisteredUser & Enrolled> {
    const user = await registerUser(t.http);
    return { ...user, ...(await enrol(user)) };
  }

  function auditOf(userId: string) {
    return t.app
      .get(AuditService)
      .flush()
      .then(() =>
        t.http
          .get(`/api/audit?user_id=${userId}&limit=50`)
          .set(basic(ADMIN.username, ADMIN.password))
          .expect(200),
      )
      .then(
        (response) =>
          response.body.items as {
            type: string;
            outcome: string;
            actor_id: string | null;
            details: Record<string, unknown>;
          }[],
      );
  }

  describe('POST /api/login', () => {
    it('answers a challenge instead of tokens for an account with TOTP', async () => {
      const user = await withTotp();
      const response = await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(response.body).toEqual({
        second_factor_required: true,
        challenge_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expires_in: 300,
        methods: ['totp', 'recovery_code'],
        passkey_options: null,
      });
      expect(response.body).not.toHaveProperty('access_token');
    });

    it('signs in an account without a factor exactly as before', async () => {
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
    });
  });

  describe('POST /api/login/second-factor', () => {
    it('refuses a wrong code, then gives tokens for the right one', async () => {
      const user = await withTotp();
      const challenge = await challengeFor(user);
      const wrong = await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: challenge, code: wrongCode(user.secret) })
        .expect(401);
      expect(wrong.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'code is incorrect',
      });
      const right = await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: challenge, code: totpCode(user.secret) })
        .expect(200);
      expect(right.body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: expect.any(Number),
      });
      const profile = await t.http
        .get('/api/profile')
        .set(bearer(right.body.access_token))
        .expect(200);
      expect(profile.body.user.username).toBe(user.username);
      const events = await auditOf(user.id);
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'second_factor_failed',
            outcome: 'failure',
            details: expect.objectContaining({ method: 'totp' }),
          }),
          expect.objectContaining({
            type: 'login',
            outcome: 'success',
            details: expect.objectContaining({
              scheme: 'jwt',
              second_factor: 'totp',
            }),
          }),
        ]),
      );
    });

    it('refuses a challenge used once already', async () => {
      const user = await withTotp();
      const challenge = await challengeFor(user);
      await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: challenge, code: totpCode(user.secret) })
        .expect(200);
      nextStep();
      const again = await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: challenge, code: totpCode(user.secret) })
        .expect(401);
      expect(again.body).toEqual(INVALID_CHALLENGE);
    });

    it('refuses an expired challenge', async () => {
      const user = await withTotp();
      const challenge = await challengeFor(user);
      offsetMs += 301_000;
      const late = await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: challenge, code: totpCode(user.secret) })
        .expect(401);
      expect(late.body).toEqual(INVALID_CHALLENGE);
    });

    it('refuses an unknown challenge, and one of /api/session on /api/login', async () => {
      const user = await withTotp();
      await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: 'nope', code: totpCode(user.secret) })
        .expect(401);
      const forSession = await challengeFor(user, '/api/session');
      const crossed = await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: forSession, code: totpCode(user.secret) })
        .expect(401);
      expect(crossed.body).toEqual(INVALID_CHALLENGE);
    });

    it('kills the challenge after 5 wrong answers, and wrong codes lock the sign-in like wrong passwords', async () => {
      const user = await withTotp();
      const challenge = await challengeFor(user);
      for (let i = 0; i < 5; i++) {
        await t.http
          .post('/api/login/second-factor')
          .send({ challenge_token: challenge, code: wrongCode(user.secret) })
          .expect(401);
      }
      const dead = await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: challenge, code: totpCode(user.secret) })
        .expect(401);
      expect(dead.body).toEqual(INVALID_CHALLENGE);
      // Five wrong codes from this address lock the username like five wrong passwords.
      const locked = await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(429);
      expect(locked.body.message).toMatch(/^Too many failed sign-in attempts/);
      expect(locked.headers['retry-after']).toBeDefined();
    });

    it('accepts a recovery code once, and refuses it the second time', async () => {
      const user = await withTotp();
      const [code] = user.recoveryCodes;
      const first = await t.http
        .post('/api/login/second-factor')
        .send({
          challenge_token: await challengeFor(user),
          recovery_code: code,
        })
        .expect(200);
      expect(first.body.access_token).toEqual(expect.any(String));
      const second = await t.http
        .post('/api/login/second-factor')
        .send({
          challenge_token: await challengeFor(user),
          recovery_code: code,
        })
        .expect(401);
      expect(second.body.message).toBe('recovery_code is incorrect');
      const events = await auditOf(user.id);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'login',
          details: expect.objectContaining({ second_factor: 'recovery_code' }),
        }),
      );
    });

    it('wants exactly one answer', async () => {
      const user = await withTotp();
      const challenge = await challengeFor(user);
      const none = await t.http
        .post('/api/login/second-factor')
        .send({ challenge_token: challenge })
        .expect(400);
      expect(none.body.message).toBe(
        'Send exactly one of code, recovery_code, passkey',
      );
      const two = await t.http
        .post('/api/login/second-factor')
        .send({
          challenge_token: challenge,
          code: totpCode(user.secret),
          recovery_code: user.recoveryCodes[0],
        })
        .expect(400);
      expect(two.body.message).toBe(
        'Send exactly one of code, recovery_code, passkey (got code and recovery_code)',
      );
    });
  });

  describe('POST /api/session and /api/session/second-factor', () => {
    it('sets no cookie until the second step, then the session works', async () => {
      const user = await withTotp();
      const first = await t.http
        .post('/api/session')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(first.headers['set-cookie']).toBeUndefined();
      expect(first.body.methods).toEqual(['totp', 'recovery_code']);
      const second = await t.http
        .post('/api/session/second-factor')
        .send({
          challenge_token: first.body.challenge_token,
          code: totpCode(user.secret),
        })
        .expect(200);
      expect(second.body).toEqual({
        user: expect.objectContaining({ id: user.id }),
        csrf_token: expect.any(String),
      });
      const cookie = String(second.headers['set-cookie']).split(';')[0];
      expect(cookie).toMatch(/^sid=/);
      const current = await t.http
        .get('/api/session')
        .set('Cookie', cookie)
        .expect(200);
      expect(current.body.user.id).toBe(user.id);
    });

    it('signs in an account without a factor exactly as before', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/session')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(Object.keys(response.body).sort()).toEqual(['csrf_token', 'user']);
      expect(String(response.headers['set-cookie'])).toMatch(/^sid=/);
    });
  });

  describe('HTTP Basic and existing credentials', () => {
    it('refuses Basic once a factor is on, while an API key and tokens issued before keep working', async () => {
      const user = await registerUser(t.http);
      await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(200);
      const created = await t.http
        .post('/api/api-keys')
        .set(bearer(user.accessToken))
        .send({ name: 'script' })
        .expect(201);
      await enrol(user);
      const refused = await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(403);
      expect(refused.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: BASIC_REFUSED,
      });
      // Again, answered from the remembered pair.
      await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(403);
      await t.http
        .get('/api/data')
        .set(apiKey(created.body.key as string))
        .expect(200);
      await t.http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(200);
      // A wrong password is still a 401, not a hint that the account has a factor.
      await t.http
        .get('/api/data')
        .set(basic(user.username, 'wrong password 1'))
        .expect(401);
    });
  });

  describe('POST /api/auth/reauthenticate', () => {
    /** A token that is not fresh: a refreshed one (only sign-ins are fresh). */
    async function staleToken(user: RegisteredUser): Promise<string> {
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      return refreshed.body.access_token as string;
    }

    async function createFullKey(token: string, status: number) {
      return t.http
        .post('/api/api-keys')
        .set(bearer(token))
        .send({ name: 'full' })
        .expect(status);
    }

    it('with the password makes a stale token fresh for a sensitive action', async () => {
      const user = await registerUser(t.http);
      const token = await staleToken(user);
      const before = await createFullKey(token, 403);
      expect(before.body.reason).toBe('reauthentication_required');
      const wrong = await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({ password: 'not it at all 1' })
        .expect(403);
      expect(wrong.body.message).toBe('password is incorrect');
      await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({ password: user.password })
        .expect(204);
      await createFullKey(token, 201);
      const events = await auditOf(user.id);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'reauthenticated',
          outcome: 'success',
          details: expect.objectContaining({ method: 'password' }),
        }),
      );
    });

    it('with a TOTP code or a recovery code', async () => {
      const user = await withTotp();
      const token = await staleToken(user);
      await createFullKey(token, 403);
      const wrong = await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({ code: wrongCode(user.secret) })
        .expect(403);
      expect(wrong.body.message).toBe('code is incorrect');
      await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({ code: totpCode(user.secret) })
        .expect(204);
      await createFullKey(token, 201);
      offsetMs += 301_000;
      await createFullKey(token, 403);
      await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({ recovery_code: user.recoveryCodes[1] })
        .expect(204);
      await createFullKey(token, 201);
    });

    it('wants exactly one answer', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(user.accessToken))
        .send({})
        .expect(400);
      expect(response.body.message).toBe(
        'Send exactly one of password, code, recovery_code, passkey',
      );
    });
  });

  describe('DELETE /api/profile', () => {
    it('needs fresh authentication, then deletes the account and its tokens', async () => {
      const user = await registerUser(t.http);
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      const token = refreshed.body.access_token as string;
      const stale = await t.http
        .delete('/api/profile')
        .set(bearer(token))
        .expect(403);
      expect(stale.body.reason).toBe('reauthentication_required');
      await t.http.get('/api/profile').set(bearer(token)).expect(200);
      await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({ password: user.password })
        .expect(204);
      await t.http.delete('/api/profile').set(bearer(token)).expect(204);
      await t.http.get('/api/profile').set(bearer(token)).expect(401);
      await t.http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(401);
      await t.http
        .post('/api/refresh')
        .send({ refresh_token: refreshed.body.refresh_token })
        .expect(401);
      await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(401);
      const events = await auditOf(user.id);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'account_deleted',
          outcome: 'success',
        }),
      );
    });

    it('refuses an admin, who would lock administration out', async () => {
      const { accessToken } = await loginAs(
        t.http,
        ADMIN.username,
        ADMIN.password,
      );
      const response = await t.http
        .delete('/api/profile')
        .set(bearer(accessToken))
        .expect(409);
      expect(response.body.message).toMatch(
        /^An admin cannot delete their own account/,
      );
    });
  });

  describe('GET and DELETE /api/users/:id/second-factors', () => {
    it('shows the factors, resets them (audited), and the user then signs in with the password alone', async () => {
      const user = await withTotp();
      const admin = basic(ADMIN.username, ADMIN.password);
      const seen = await t.http
        .get(`/api/users/${user.id}/second-factors`)
        .set(admin)
        .expect(200);
      expect(seen.body).toEqual({
        totp: true,
        passkeys: 0,
        recovery_codes: 10,
      });
      await t.http
        .get(`/api/users/${user.id}/second-factors`)
        .set(bearer(user.accessToken))
        .expect(403);
      await t.http
        .delete(`/api/users/${user.id}/second-factors`)
        .set(admin)
        .expect(204);
      const after = await t.http
        .get(`/api/users/${user.id}/second-factors`)
        .set(admin)
        .expect(200);
      expect(after.body).toEqual({
        totp: false,
        passkeys: 0,
        recovery_codes: 0,
      });
      const login = await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(login.body.access_token).toEqual(expect.any(String));
      await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(200);
      const adminId = (await t.http.get('/api/profile').set(admin).expect(200))
        .body.user.id;
      const events = await auditOf(user.id);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'second_factors_reset',
          actor_id: adminId,
          details: expect.objectContaining({ totp: true, passkeys: 0 }),
        }),
      );
    });

    it('answers 404 for an unknown user', async () => {
      await t.http
        .get('/api/users/00000000-0000-4000-8000-000000000000/second-factors')
        .set(basic(ADMIN.username, ADMIN.password))
        .expect(404);
    });
  });
});
