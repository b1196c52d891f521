import { createHash } from 'node:crypto';
import { create } from 'qrcode';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { SecondFactorsService } from '../src/second-factors/second-factors.service';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { createTestApp, type TestApp } from './support/app';
import {
  loginAs,
  registerUser,
  type RegisteredUser,
} from './support/factories';
import { bearer } from './support/http';
import { decodePng } from './support/png';
import { currentStep, secretOf, totpCode, wrongCode } from './support/totp';

const REAUTHENTICATE = {
  statusCode: 403,
  error: 'Forbidden',
  reason: 'reauthentication_required',
  message: expect.stringContaining('POST /api/auth/reauthenticate'),
};
/** The quiet zone `qrcode` draws around a symbol by default, in modules. */
const QR_MARGIN = 4;
const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

interface Enrolled {
  secret: string;
  /** The time step whose code confirmed the enrolment (used: replaying it fails). */
  step: number;
  recoveryCodes: string[];
}

async function enrol(t: TestApp, user: RegisteredUser): Promise<Enrolled> {
  const started = await t.http
    .post('/api/second-factors/totp')
    .set(bearer(user.accessToken))
    .expect(201);
  const secret = secretOf(started.body.otpauth_uri as string);
  const step = currentStep();
  const confirmed = await t.http
    .post('/api/second-factors/totp/confirm')
    .set(bearer(user.accessToken))
    .send({ code: totpCode(secret, step) })
    .expect(200);
  return { secret, step, recoveryCodes: confirmed.body.recovery_codes };
}

async function statusOf(t: TestApp, user: RegisteredUser): Promise<unknown> {
  const response = await t.http
    .get('/api/second-factors')
    .set(bearer(user.accessToken))
    .expect(200);
  return response.body;
}

const OFF = {
  totp: { enabled: false, pending: false },
  recovery_codes: { remaining: 0 },
};

describe('second factors: TOTP and recovery codes', () => {
  let t: TestApp;
  let factors: SecondFactorsService;
  beforeAll(async () => {
    t = await createTestApp();
    factors = t.app.get(SecondFactorsService);
  });
  afterAll(() => t.close());

  describe('POST /api/second-factors/totp and /confirm', () => {
    it('enrols: a wrong code enables nothing, the right one turns TOTP on with ten recovery codes', async () => {
      const user = await registerUser(t.http);
      expect(await statusOf(t, user)).toEqual(OFF);
      const started = await t.http
        .post('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .expect(201);
      expect(Object.keys(started.body).sort()).toEqual([
        'otpauth_uri',
        'qr_code',
        'secret',
      ]);
      const uri = new URL(started.body.otpauth_uri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(
        `/${new URL(t.config.issuerUrl).hostname}:${user.username}`,
      );
      expect(uri.searchParams.get('secret')).toBe(started.body.secret);
      // 20 bytes of secret: 32 base32 characters
      expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(await statusOf(t, user)).toEqual({
        totp: { enabled: false, pending: true },
        recovery_codes: { remaining: 0 },
      });
      expect(await factors.hasTotp(user.id)).toBe(false);

      const secret = started.body.secret as string;
      const wrong = await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(user.accessToken))
        .send({ code: wrongCode(secret) })
        .expect(400);
      expect(wrong.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'code is incorrect',
      });
      expect(await statusOf(t, user)).toEqual({
        totp: { enabled: false, pending: true },
        recovery_codes: { remaining: 0 },
      });

      const right = await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(user.accessToken))
        .send({ code: totpCode(secret) })
        .expect(200);
      const codes = right.body.recovery_codes as string[];
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const code of codes) {
        expect(code).toMatch(RECOVERY_CODE);
      }
      expect(await statusOf(t, user)).toEqual({
        totp: { enabled: true, pending: false },
        recovery_codes: { remaining: 10 },
      });
      expect(await factors.hasTotp(user.id)).toBe(true);
      expect(await factors.remainingRecoveryCodes(user.id)).toBe(10);
    });

    it('answers a PNG data URL that is the QR code of the otpauth URI', async () => {
      const user = await registerUser(t.http);
      const started = await t.http
        .post('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .expect(201);
      const qr = started.body.qr_code as string;
      expect(qr.startsWith('data:image/png;base64,')).toBe(true);
      const png = Buffer.from(
        qr.slice('data:image/png;base64,'.length),
        'base64',
      );
      expect(png.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      // Read the modules off the image and compare them with the QR code of the URI.
      const uri = started.body.otpauth_uri as string;
      const image = decodePng(png);
      const expected = create(uri).modules;
      const scale = image.width / (expected.size + 2 * QR_MARGIN);
      expect(Number.isInteger(scale)).toBe(true);
      expect(image.height).toBe(image.width);
      const read = (size: number): number[] =>
        Array.from({ length: size * size }, (_, i) =>
          image.dark(
            Math.floor((QR_MARGIN + (i % size) + 0.5) * scale),
            Math.floor((QR_MARGIN + Math.floor(i / size) + 0.5) * scale),
          )
            ? 1
            : 0,
        );
      expect(read(expected.size)).toEqual([...expected.data]);
      // and not those of another URI of the same length
      const other = create(`${uri.slice(0, -1)}x`).modules;
      expect(read(other.size)).not.toEqual([...other.data]);
    });

    it('restarts an unconfirmed enrolment with a new secret: the old one confirms nothing', async () => {
      const user = await registerUser(t.http);
      const first = await t.http
        .post('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .expect(201);
      const second = await t.http
        .post('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .expect(201);
      expect(second.body.secret).not.toBe(first.body.secret);
      await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(user.accessToken))
        .send({ code: totpCode(first.body.secret) })
        .expect(400);
      await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(user.accessToken))
        .send({ code: totpCode(second.body.secret) })
        .expect(200);
    });

    it('needs a fresh sign-in to start: a refreshed token gets 403 reauthentication_required', async () => {
      const user = await registerUser(t.http);
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      const response = await t.http
        .post('/api/second-factors/totp')
        .set(bearer(refreshed.body.access_token))
        .expect(403);
      expect(response.body).toEqual(REAUTHENTICATE);
      expect(await statusOf(t, user)).toEqual(OFF);
    });

    it('answers 409 when TOTP is already on, and to a confirmation with no enrolment', async () => {
      const user = await registerUser(t.http);
      const nothing = await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(user.accessToken))
        .send({ code: '123456' })
        .expect(409);
      expect(nothing.body.message).toContain('POST /api/second-factors/totp');
      const { secret } = await enrol(t, user);
      const again = await t.http
        .post('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .expect(409);
      expect(again.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringContaining('TOTP is already on'),
      });
      // The authenticator in use is untouched.
      await expect(
        factors.verifyCode(user.id, totpCode(secret, currentStep() + 1)),
      ).resolves.toBe('totp');
    });

    it('names a missing code', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(user.accessToken))
        .send({})
        .expect(400);
      expect(response.body.message).toContain('code');
    });

    it('keeps secrets and recovery codes out of the database in clear', async () => {
      const user = await registerUser(t.http);
      const { secret, recoveryCodes } = await enrol(t, user);
      const db = t.app.get(DataSource);
      const [row] = await db
        .createQueryBuilder()
        .select('*')
        .from('totp_factors', 'f')
        .where('f.user_id = :id', { id: user.id })
        .getRawMany<Record<string, unknown>>();
      const stored = JSON.stringify(row);
      expect(String(row.sealed_secret)).toMatch(/^v1\./);
      expect(stored).not.toContain(secret);
      expect(stored.toLowerCase()).not.toContain(secret.toLowerCase());
      const codeRows = await db
        .createQueryBuilder()
        .select('*')
        .from('recovery_codes', 'c')
        .where('c.user_id = :id', { id: user.id })
        .getRawMany<Record<string, unknown>>();
      expect(codeRows).toHaveLength(10);
      const storedCodes = JSON.stringify(codeRows);
      for (const code of recoveryCodes) {
        const bare = code.replace('-', '');
        expect(storedCodes).not.toContain(bare);
        expect(storedCodes).not.toContain(
          createHash('sha256').update(bare).digest('hex'),
        );
      }
    });
  });

  describe('codes', () => {
    it('refuses a TOTP code replayed in its time step, and takes the next step once', async () => {
      const user = await registerUser(t.http);
      const { secret, step } = await enrol(t, user);
      // The confirming code's step is spent.
      await expect(
        factors.verifyCode(user.id, totpCode(secret, step)),
      ).resolves.toBeNull();
      const next = totpCode(secret, step + 1);
      await expect(factors.verifyCode(user.id, next)).resolves.toBe('totp');
      await expect(factors.verifyCode(user.id, next)).resolves.toBeNull();
      // An earlier step than the last used one is refused too.
      await expect(
        factors.verifyCode(user.id, totpCode(secret, step)),
      ).resolves.toBeNull();
    });

    it('accepts one of several requests racing with the same code', async () => {
      const user = await registerUser(t.http);
      const { secret, step } = await enrol(t, user);
      const code = totpCode(secret, step + 1);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => factors.verifyCode(user.id, code)),
      );
      expect(results.filter((result) => result === 'totp')).toHaveLength(1);
    });

    it('spends a recovery code once, whatever its case and dashes', async () => {
      const user = await registerUser(t.http);
      const { recoveryCodes } = await enrol(t, user);
      const typed = ` ${recoveryCodes[3].toUpperCase().replace('-', ' ')} `;
      await expect(factors.verifyCode(user.id, typed)).resolves.toBe(
        'recovery_code',
      );
      await expect(
        factors.verifyCode(user.id, recoveryCodes[3]),
      ).resolves.toBeNull();
      expect(await statusOf(t, user)).toEqual({
        totp: { enabled: true, pending: false },
        recovery_codes: { remaining: 9 },
      });
      // Racing uses of one code: one wins.
      const raced = await Promise.all(
        Array.from({ length: 5 }, () =>
          factors.verifyCode(user.id, recoveryCodes[4]),
        ),
      );
      expect(raced.filter((result) => result !== null)).toHaveLength(1);
      expect(await factors.remainingRecoveryCodes(user.id)).toBe(8);
    });

    it('audits enabling TOTP, the codes generated and a spent recovery code', async () => {
      const user = await registerUser(t.http);
      const { recoveryCodes } = await enrol(t, user);
      await factors.verifyCode(user.id, recoveryCodes[0]);
      const { items } = await t.app
        .get(AuditService)
        .list({ userId: user.id }, 1, 100);
      // Events of one request share a timestamp: compared in type order.
      const events = items.sort((a, b) => a.type.localeCompare(b.type));
      expect(
        events
          .filter((event) => event.type !== 'register')
          .map(({ type, outcome, username, details }) => ({
            type,
            outcome,
            username,
            details: details === null ? null : JSON.parse(details),
          })),
      ).toEqual([
        {
          type: 'recovery_code_used',
          outcome: 'success',
          username: user.username,
          details: { remaining: 9 },
        },
        {
          type: 'recovery_codes_generated',
          outcome: 'success',
          username: user.username,
          details: { scheme: 'jwt', count: 10 },
        },
        {
          type: 'totp_enabled',
          outcome: 'success',
          username: user.username,
          details: { scheme: 'jwt' },
        },
      ]);
      // No code reached the trail.
      const trail = JSON.stringify(events);
      for (const code of recoveryCodes) {
        expect(trail).not.toContain(code);
      }
    });
  });

  describe('POST /api/second-factors/recovery-codes', () => {
    it('replaces the codes: the old ones stop working, the new ones work', async () => {
      const user = await registerUser(t.http);
      const { recoveryCodes: old } = await enrol(t, user);
      const response = await t.http
        .post('/api/second-factors/recovery-codes')
        .set(bearer(user.accessToken))
        .expect(200);
      const fresh = response.body.recovery_codes as string[];
      expect(fresh).toHaveLength(10);
      expect(fresh.filter((code) => old.includes(code))).toEqual([]);
      await expect(factors.verifyCode(user.id, old[0])).resolves.toBeNull();
      await expect(factors.verifyCode(user.id, fresh[0])).resolves.toBe(
        'recovery_code',
      );
      expect(await factors.remainingRecoveryCodes(user.id)).toBe(9);
    });

    it('needs a fresh sign-in: a refreshed token gets 403 reauthentication_required', async () => {
      const user = await registerUser(t.http);
      const { recoveryCodes } = await enrol(t, user);
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      const response = await t.http
        .post('/api/second-factors/recovery-codes')
        .set(bearer(refreshed.body.access_token))
        .expect(403);
      expect(response.body).toEqual(REAUTHENTICATE);
      // The old codes still work.
      await expect(factors.verifyCode(user.id, recoveryCodes[0])).resolves.toBe(
        'recovery_code',
      );
    });

    it('answers 409 without TOTP', async () => {
      const user = await registerUser(t.http);
      await t.http
        .post('/api/second-factors/recovery-codes')
        .set(bearer(user.accessToken))
        .expect(409);
      expect(await statusOf(t, user)).toEqual(OFF);
    });
  });

  describe('DELETE /api/second-factors/totp', () => {
    it('needs the right password and a right code, then removes TOTP and the recovery codes', async () => {
      const user = await registerUser(t.http);
      const { secret, step, recoveryCodes } = await enrol(t, user);
      const ON = {
        totp: { enabled: true, pending: false },
        recovery_codes: { remaining: 10 },
      };
      const noPassword = await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ code: totpCode(secret, step + 1) })
        .expect(400);
      expect(noPassword.body.message).toContain('password is required');
      const wrongPassword = await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({
          password: 'not the password',
          code: totpCode(secret, step + 1),
        })
        .expect(403);
      expect(wrongPassword.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'password is incorrect',
      });
      const badCode = await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ password: user.password, code: wrongCode(secret) })
        .expect(403);
      expect(badCode.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'code is incorrect',
      });
      // The code that confirmed the enrolment is spent: replaying it is refused.
      const replayed = await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ password: user.password, code: totpCode(secret, step) })
        .expect(403);
      expect(replayed.body.message).toBe('code is incorrect');
      expect(await statusOf(t, user)).toEqual(ON);

      await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ password: user.password, code: totpCode(secret, step + 1) })
        .expect(204);
      expect(await statusOf(t, user)).toEqual(OFF);
      expect(await factors.hasTotp(user.id)).toBe(false);
      await expect(
        factors.verifyCode(user.id, recoveryCodes[0]),
      ).resolves.toBeNull();
      // Off: another DELETE has nothing to remove, and a new enrolment may start.
      await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ password: user.password, code: totpCode(secret, step + 2) })
        .expect(409);
      await t.http
        .post('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .expect(201);
    });

    it('takes a recovery code instead of a TOTP code', async () => {
      const user = await registerUser(t.http);
      const { recoveryCodes } = await enrol(t, user);
      await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ password: user.password, code: recoveryCodes[9] })
        .expect(204);
      expect(await statusOf(t, user)).toEqual(OFF);
    });

    it('counts wrong codes against the lockout, even with the right password', async () => {
      const user = await registerUser(t.http);
      const { secret, step } = await enrol(t, user);
      for (let i = 0; i < 5; i++) {
        await t.http
          .delete('/api/second-factors/totp')
          .set(bearer(user.accessToken))
          .send({ password: user.password, code: wrongCode(secret) })
          .expect(403);
        // Signing in with the password between guesses does not clear their count.
        await loginAs(t.http, user.username, user.password);
      }
      const locked = await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ password: user.password, code: totpCode(secret, step + 1) })
        .expect(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(locked.body.message).toContain('Too many failed');
      expect(await factors.hasTotp(user.id)).toBe(true);
    });

    it('asks an account without a password for a fresh sign-in and a code', async () => {
      const user = await registerUser(t.http);
      const { secret, step } = await enrol(t, user);
      // As an account made by an external sign-in: no password.
      await t.app
        .get(DataSource)
        .getRepository(User)
        .update({ id: user.id }, { passwordHash: null });
      await t.app.get(UsersService).forgetCachedState(user.id);
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      const stale = await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(refreshed.body.access_token))
        .send({ code: totpCode(secret, step + 1) })
        .expect(403);
      expect(stale.body).toEqual(REAUTHENTICATE);
      expect(await factors.hasTotp(user.id)).toBe(true);
      // The registration's token is a fresh sign-in.
      await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(user.accessToken))
        .send({ code: totpCode(secret, step + 1) })
        .expect(204);
      expect(await factors.hasTotp(user.id)).toBe(false);
    });
  });

  describe('another user', () => {
    it('sees none of your factors and cannot use or remove them', async () => {
      const alice = await registerUser(t.http);
      const bob = await registerUser(t.http);
      const { secret, step, recoveryCodes } = await enrol(t, alice);
      expect(await statusOf(t, bob)).toEqual(OFF);
      // Bob's DELETE acts on Bob's account, which has no TOTP, with Alice's codes.
      await t.http
        .delete('/api/second-factors/totp')
        .set(bearer(bob.accessToken))
        .send({ password: bob.password, code: totpCode(secret, step + 1) })
        .expect(409);
      await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(bob.accessToken))
        .send({ code: totpCode(secret, step + 1) })
        .expect(409);
      await expect(
        factors.verifyCode(bob.id, recoveryCodes[0]),
      ).resolves.toBeNull();
      // Bob's own enrolment has its own secret; Alice's codes do not confirm it.
      const bobs = await t.http
        .post('/api/second-factors/totp')
        .set(bearer(bob.accessToken))
        .expect(201);
      expect(bobs.body.secret).not.toBe(secret);
      await t.http
        .post('/api/second-factors/totp/confirm')
        .set(bearer(bob.accessToken))
        .send({ code: totpCode(secret, step + 1) })
        .expect(400);
      // Alice is untouched: her codes still work.
      expect(await statusOf(t, alice)).toEqual({
        totp: { enabled: true, pending: false },
        recovery_codes: { remaining: 10 },
      });
      await expect(
        factors.verifyCode(alice.id, recoveryCodes[0]),
      ).resolves.toBe('recovery_code');
    });

    it('refuses everyone without a jwt or session', async () => {
      const response = await t.http.get('/api/second-factors').expect(401);
      expect(response.headers['www-authenticate']).toBeDefined();
    });
  });

  describe('OpenAPI', () => {
    it('documents every route under "second factors", for jwt and session, with its answers', async () => {
      const doc = (await t.http.get('/api/docs-json').expect(200)).body;
      const operations: [string, string, string[]][] = [
        ['/api/second-factors', 'get', ['200']],
        ['/api/second-factors/totp', 'post', ['201', '403', '409']],
        [
          '/api/second-factors/totp',
          'delete',
          ['204', '400', '403', '409', '429'],
        ],
        ['/api/second-factors/totp/confirm', 'post', ['200', '400', '409']],
        ['/api/second-factors/recovery-codes', 'post', ['200', '403', '409']],
      ];
      for (const [path, method, statuses] of operations) {
        const operation = doc.paths[path]?.[method];
        expect(operation).toBeDefined();
        expect(operation.tags).toEqual(['second factors']);
        expect(operation.security).toEqual(
          expect.arrayContaining([{ jwt: [] }, { session: [] }]),
        );
        expect(Object.keys(operation.responses)).toEqual(
          expect.arrayContaining(statuses),
        );
      }
      expect(
        doc.paths['/api/second-factors/totp'].post.responses['201'].content[
          'application/json'
        ].schema,
      ).toEqual({ $ref: '#/components/schemas/TotpEnrolmentResponse' });
      expect(
        Object.keys(
          doc.components.schemas.TotpEnrolmentResponse.properties,
        ).sort(),
      ).toEqual(['otpauth_uri', 'qr_code', 'secret']);
      expect(
        Object.keys(doc.components.schemas.DisableTotpDto.properties).sort(),
      ).toEqual(['code', 'password']);
    });
  });

  describe(`${SecondFactorsService.name}.resetAll`, () => {
    it('removes TOTP and the recovery codes', async () => {
      const user = await registerUser(t.http);
      const { secret, step, recoveryCodes } = await enrol(t, user);
      await factors.resetAll(user.id);
      expect(await statusOf(t, user)).toEqual(OFF);
      await expect(
        factors.verifyCode(user.id, totpCode(secret, step + 1)),
      ).resolves.toBeNull();
      await expect(
        factors.verifyCode(user.id, recoveryCodes[0]),
      ).resolves.toBeNull();
    });
  });
});
