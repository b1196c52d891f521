import { AuditService } from '../src/audit/audit.service';
import { createTestApp, type TestApp } from './support/app';
import { registerUser, type RegisteredUser } from './support/factories';
import { basic, bearer } from './support/http';
import { SoftwareAuthenticator } from './support/software-authenticator';

const ADMIN = { username: 'root', password: 'root password 1' };

describe('sign-in with a passkey', () => {
  let t: TestApp;
  let origin: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
    });
    origin = t.config.webauthn.origins[0];
  });
  afterAll(() => t.close());

  /** A user with one passkey on `authenticator`. */
  async function withPasskey(
    authenticator = new SoftwareAuthenticator(),
  ): Promise<RegisteredUser & { authenticator: SoftwareAuthenticator }> {
    const user = await registerUser(t.http);
    const started = await t.http
      .post('/api/passkeys/registration-options')
      .set(bearer(user.accessToken))
      .expect(200);
    await t.http
      .post('/api/passkeys')
      .set(bearer(user.accessToken))
      .send({
        ceremony_id: started.body.ceremony_id,
        credential: authenticator.create(started.body.options, origin),
        name: 'laptop',
      })
      .expect(201);
    return { ...user, authenticator };
  }

  interface StartedPasskeySignIn {
    ceremony_id: string;
    options: Parameters<SoftwareAuthenticator['get']>[0];
  }

  async function passkeyOptions(): Promise<StartedPasskeySignIn> {
    const response = await t.http
      .post('/api/passkeys/authentication-options')
      .expect(200);
    return response.body as StartedPasskeySignIn;
  }

  describe('as the second factor', () => {
    it('the password step offers the passkey, and its assertion completes the sign-in', async () => {
      const user = await withPasskey();
      const first = await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(first.body).toEqual({
        second_factor_required: true,
        challenge_token: expect.any(String),
        expires_in: 300,
        methods: ['passkey'],
        passkey_options: expect.objectContaining({
          challenge: expect.any(String),
          allowCredentials: [
            expect.objectContaining({
              id: user.authenticator.credentials[0].id,
            }),
          ],
        }),
      });
      const second = await t.http
        .post('/api/login/second-factor')
        .send({
          challenge_token: first.body.challenge_token,
          passkey: user.authenticator.get(first.body.passkey_options, origin),
        })
        .expect(200);
      await t.http
        .get('/api/profile')
        .set(bearer(second.body.access_token))
        .expect(200);
    });

    it("refuses another account's passkey", async () => {
      const user = await withPasskey();
      const other = await withPasskey();
      const first = await t.http
        .post('/api/session')
        .send({ username: user.username, password: user.password })
        .expect(200);
      const response = await t.http
        .post('/api/session/second-factor')
        .send({
          challenge_token: first.body.challenge_token,
          passkey: other.authenticator.get(first.body.passkey_options, origin, {
            credentialId: other.authenticator.credentials[0].id,
          }),
        })
        .expect(401);
      expect(response.body.message).toBe('passkey was not accepted');
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('refuses HTTP Basic for an account whose factor is a passkey', async () => {
      const user = await withPasskey();
      const response = await t.http
        .get('/api/data')
        .set(basic(user.username, user.password))
        .expect(403);
      expect(response.body.message).toMatch(
        /^This account has a second factor/,
      );
    });
  });

  describe('alone', () => {
    it('POST /api/login/passkey gives tokens with no password', async () => {
      const user = await withPasskey();
      const started = await passkeyOptions();
      expect(started.options).not.toHaveProperty('allowCredentials');
      expect(started.options.userVerification).toBe('required');
      const response = await t.http
        .post('/api/login/passkey')
        .send({
          ceremony_id: started.ceremony_id,
          credential: user.authenticator.get(started.options, origin),
        })
        .expect(200);
      const profile = await t.http
        .get('/api/profile')
        .set(bearer(response.body.access_token))
        .expect(200);
      expect(profile.body.user.id).toBe(user.id);
      await t.app.get(AuditService).flush();
      const audit = await t.http
        .get(`/api/audit?user_id=${user.id}&type=login`)
        .set(basic(ADMIN.username, ADMIN.password))
        .expect(200);
      expect(audit.body.items[0].details).toEqual(
        expect.objectContaining({
          scheme: 'jwt',
          second_factor: 'passkey',
          passkey_only: true,
        }),
      );
    });

    it('POST /api/session/passkey starts a session, and the ceremony is single-use', async () => {
      const user = await withPasskey();
      const started = await passkeyOptions();
      const response = await t.http
        .post('/api/session/passkey')
        .send({
          ceremony_id: started.ceremony_id,
          credential: user.authenticator.get(started.options, origin),
        })
        .expect(200);
      expect(response.body.user.id).toBe(user.id);
      const cookie = String(response.headers['set-cookie']).split(';')[0];
      await t.http.get('/api/session').set('Cookie', cookie).expect(200);
      const again = await t.http
        .post('/api/session/passkey')
        .send({
          ceremony_id: started.ceremony_id,
          credential: user.authenticator.get(started.options, origin),
        })
        .expect(401);
      expect(again.body.message).toMatch(/^The passkey was not accepted/);
    });

    it('refuses a passkey that did not verify its user', async () => {
      const user = await withPasskey(
        new SoftwareAuthenticator({ userVerification: false }),
      );
      const started = await passkeyOptions();
      const refused = await t.http
        .post('/api/login/passkey')
        .send({
          ceremony_id: started.ceremony_id,
          credential: user.authenticator.get(started.options, origin),
        })
        .expect(401);
      expect(refused.body.message).toMatch(/^The passkey was not accepted/);
    });
  });

  describe('re-authentication and admin', () => {
    it('a passkey makes a stale token fresh', async () => {
      const user = await withPasskey();
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      const token = refreshed.body.access_token as string;
      await t.http
        .post('/api/api-keys')
        .set(bearer(token))
        .send({ name: 'full' })
        .expect(403);
      const started = await t.http
        .post('/api/auth/reauthenticate/passkey-options')
        .set(bearer(token))
        .expect(200);
      await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({
          ceremony_id: started.body.ceremony_id,
          passkey: user.authenticator.get(started.body.options, origin),
        })
        .expect(204);
      await t.http
        .post('/api/api-keys')
        .set(bearer(token))
        .send({ name: 'full' })
        .expect(201);
    });

    it('passkey-options answer 409 for an account without a passkey', async () => {
      const user = await registerUser(t.http);
      await t.http
        .post('/api/auth/reauthenticate/passkey-options')
        .set(bearer(user.accessToken))
        .expect(409);
    });

    it('an admin sees the passkey, resets it, and the password alone signs in', async () => {
      const user = await withPasskey();
      const admin = basic(ADMIN.username, ADMIN.password);
      const seen = await t.http
        .get(`/api/users/${user.id}/second-factors`)
        .set(admin)
        .expect(200);
      expect(seen.body).toEqual({
        totp: false,
        passkeys: 1,
        recovery_codes: 0,
      });
      await t.http
        .delete(`/api/users/${user.id}/second-factors`)
        .set(admin)
        .expect(204);
      const login = await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
      expect(login.body.access_token).toEqual(expect.any(String));
      const listed = await t.http
        .get('/api/passkeys')
        .set(bearer(login.body.access_token))
        .expect(200);
      expect(listed.body).toEqual([]);
    });
  });
});
