import type TestAgent from 'supertest/lib/agent';
import { createTestApp, type TestApp } from './support/app';
import { withMailApp } from './support/mail-app';
import { loginAs, registerUser, uniqueUsername } from './support/factories';
import { basic, bearer } from './support/http';
import {
  type SmtpCatcher,
  startSmtpCatcher,
  tokenFromLink,
} from './support/smtp-catcher';

const FORGOT_ANSWER = {
  message:
    'If an account has this email address, a link to reset its password is on its way',
};
const TOKEN_INVALID = 'token is invalid, expired or already used';
const ADMIN_ENV = {
  ADMIN_USERNAME: 'resetadmin',
  ADMIN_PASSWORD: 'reset-admin-password-1',
};

async function resetLinkSentTo(
  catcher: SmtpCatcher,
  email: string,
  after = 0,
): Promise<string> {
  const message = await catcher.waitForMessage(
    (m) =>
      m.to.includes(email) &&
      m.subject === 'Reset your password' &&
      catcher.messages.indexOf(m) >= after,
  );
  const link = message.links.find((l) => l.includes('/reset-password#token='));
  if (!link) {
    throw new Error(`no reset link in ${JSON.stringify(message.text)}`);
  }
  return link;
}

function forgot(http: TestAgent, email: string) {
  return http.post('/api/password/forgot').send({ email });
}

async function sessionCookie(
  http: TestAgent,
  username: string,
  password: string,
): Promise<string> {
  const response = await http
    .post('/api/session')
    .send({ username, password })
    .expect(200);
  const setCookie = ([] as string[]).concat(
    response.headers['set-cookie'] ?? [],
  );
  return setCookie[0].split(';')[0];
}

describe('password reset', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  withMailApp(
    { ISSUER_URL: 'https://auth.example.test', ...ADMIN_ENV },
    (app, mail) => {
      t = app;
      catcher = mail;
    },
  );

  /** The audit trail's event types about one user, newest first, once `expected` is there. */
  async function auditTypesOf(userId: string, expected: string) {
    let items: { type: string }[] = [];
    for (let waited = 0; waited < 3000; waited += 50) {
      const response = await t.http
        .get(`/api/audit?user_id=${userId}`)
        .set(basic(ADMIN_ENV.ADMIN_USERNAME, ADMIN_ENV.ADMIN_PASSWORD))
        .expect(200);
      items = response.body.items;
      if (items.some((item) => item.type === expected)) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return {
      types: items.map((item) => item.type),
      json: JSON.stringify(items),
    };
  }

  describe('POST /api/password/forgot', () => {
    it('answers an unknown address exactly as a known one, and mails nothing for it', async () => {
      const known = `${uniqueUsername('known')}@example.com`;
      const unknown = `${uniqueUsername('unknown')}@example.com`;
      await registerUser(t.http, { email: known });

      const forKnown = await forgot(t.http, known).expect(202);
      const forUnknown = await forgot(t.http, unknown).expect(202);
      expect(forKnown.body).toEqual(FORGOT_ANSWER);
      expect(forUnknown.body).toEqual(forKnown.body);
      expect(Object.keys(forUnknown.headers).sort()).toEqual(
        Object.keys(forKnown.headers).sort(),
      );

      const link = await resetLinkSentTo(catcher, known);
      expect(link).toMatch(
        /^https:\/\/auth\.example\.test\/reset-password#token=[A-Za-z0-9_-]{43}$/,
      );
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(catcher.messagesTo(unknown)).toEqual([]);
    });

    it('answers 400 naming email for a malformed or missing address', async () => {
      const bad = await forgot(t.http, 'nope').expect(400);
      expect(bad.body.message).toMatch(/email must be an email address/);
      const missing = await t.http
        .post('/api/password/forgot')
        .send({})
        .expect(400);
      expect(missing.body.message).toMatch(/email is required/);
    });
  });

  describe('POST /api/password/reset', () => {
    it('sets the new password and ends every token, refresh token and session of the account', async () => {
      const username = uniqueUsername('reset');
      const email = `${username}@example.com`;
      const oldPassword = 'old password 1';
      const newPassword = 'brand new password 2';
      const user = await registerUser(t.http, {
        username,
        email,
        password: oldPassword,
      });
      const login = await loginAs(t.http, username, oldPassword);
      const cookie = await sessionCookie(t.http, username, oldPassword);
      await t.http.get('/api/profile').set('Cookie', cookie).expect(200);

      await forgot(t.http, email).expect(202);
      const token = tokenFromLink(await resetLinkSentTo(catcher, email));
      const reset = await t.http
        .post('/api/password/reset')
        .send({ token, new_password: newPassword })
        .expect(204);
      expect(reset.text).toBe('');

      const wrong = await t.http
        .post('/api/login')
        .send({ username, password: oldPassword })
        .expect(401);
      expect(wrong.body.message).toBe('Invalid username or password');
      const fresh = await loginAs(t.http, username, newPassword);

      for (const accessToken of [user.accessToken, login.accessToken]) {
        await t.http.get('/api/profile').set(bearer(accessToken)).expect(401);
      }
      for (const refreshToken of [user.refreshToken, login.refreshToken]) {
        await t.http
          .post('/api/refresh')
          .send({ refresh_token: refreshToken })
          .expect(401);
      }
      await t.http.get('/api/profile').set('Cookie', cookie).expect(401);

      // Following a link mailed to the address proved it reaches the owner.
      const profile = await t.http
        .get('/api/profile')
        .set(bearer(fresh.accessToken))
        .expect(200);
      expect(profile.body.user).toMatchObject({ email, email_verified: true });

      const audit = await auditTypesOf(user.id, 'password_reset');
      expect(audit.types).toEqual(
        expect.arrayContaining(['password_reset_requested', 'password_reset']),
      );
      expect(audit.json).not.toContain(token);
    });

    it('refuses a reused link, and kills the other links of the account', async () => {
      const username = uniqueUsername('once');
      const email = `${username}@example.com`;
      await registerUser(t.http, { username, email });
      await forgot(t.http, email).expect(202);
      const first = tokenFromLink(await resetLinkSentTo(catcher, email));
      const count = catcher.messages.length;
      await forgot(t.http, email).expect(202);
      const second = tokenFromLink(
        await resetLinkSentTo(catcher, email, count),
      );
      expect(second).not.toBe(first);

      await t.http
        .post('/api/password/reset')
        .send({ token: second, new_password: 'second password 1' })
        .expect(204);
      for (const token of [second, first]) {
        const refused = await t.http
          .post('/api/password/reset')
          .send({ token, new_password: 'third password 1' })
          .expect(400);
        expect(refused.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: TOKEN_INVALID,
        });
      }
      await loginAs(t.http, username, 'second password 1');
    });

    it('drops an email change waiting for its link: an intruder cannot confirm it after the reset', async () => {
      const username = uniqueUsername('pending');
      const email = `${username}@example.com`;
      const user = await registerUser(t.http, { username, email });
      const intruder = `${uniqueUsername('intruder')}@example.com`;
      const count = catcher.messages.length;
      await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: intruder })
        .expect(200);
      const change = await catcher.waitForMessage(
        (m) =>
          m.to.includes(intruder) &&
          m.subject === 'Verify your email address' &&
          catcher.messages.indexOf(m) >= count,
      );
      const changeLink = change.links.find((l) =>
        l.includes('/verify-email#token='),
      );
      expect(changeLink).toEqual(expect.any(String));

      await forgot(t.http, email).expect(202);
      const token = tokenFromLink(await resetLinkSentTo(catcher, email));
      await t.http
        .post('/api/password/reset')
        .send({ token, new_password: 'after the intruder 1' })
        .expect(204);

      const refused = await t.http
        .post('/api/email/verify')
        .send({ token: tokenFromLink(changeLink ?? '') })
        .expect(400);
      expect(refused.body.message).toBe(TOKEN_INVALID);
      const { accessToken } = await loginAs(
        t.http,
        username,
        'after the intruder 1',
      );
      const profile = await t.http
        .get('/api/profile')
        .set(bearer(accessToken))
        .expect(200);
      expect(profile.body.user).toMatchObject({
        email,
        email_verified: true,
        pending_email: null,
      });
    });

    it('lets exactly one of two racing uses of a link win', async () => {
      const username = uniqueUsername('race');
      const email = `${username}@example.com`;
      await registerUser(t.http, { username, email });
      await forgot(t.http, email).expect(202);
      const token = tokenFromLink(await resetLinkSentTo(catcher, email));
      const answers = await Promise.all(
        ['racing password 1', 'racing password 2'].map((new_password) =>
          t.http.post('/api/password/reset').send({ token, new_password }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([204, 400]);
    });

    it('refuses a password that breaks the rules without spending the link', async () => {
      const username = uniqueUsername('weak');
      const email = `${username}@example.com`;
      await registerUser(t.http, { username, email });
      await forgot(t.http, email).expect(202);
      const token = tokenFromLink(await resetLinkSentTo(catcher, email));
      const weak = await t.http
        .post('/api/password/reset')
        .send({ token, new_password: 'short' })
        .expect(400);
      expect(weak.body.message).toMatch(/new_password/);
      await t.http
        .post('/api/password/reset')
        .send({ token, new_password: 'long enough now 1' })
        .expect(204);
      await loginAs(t.http, username, 'long enough now 1');
    });

    it('refuses an unknown token', async () => {
      const response = await t.http
        .post('/api/password/reset')
        .send({ token: 'A'.repeat(43), new_password: 'whatever pass 1' })
        .expect(400);
      expect(response.body.message).toBe(TOKEN_INVALID);
    });
  });
});

describe('password reset links expire', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  withMailApp({ PASSWORD_RESET_TTL: '1s' }, (app, mail) => {
    t = app;
    catcher = mail;
  });

  it('refuses a link used after PASSWORD_RESET_TTL, and the password stays', async () => {
    const username = uniqueUsername('late');
    const email = `${username}@example.com`;
    await registerUser(t.http, {
      username,
      email,
      password: 'kept password 1',
    });
    await forgot(t.http, email).expect(202);
    const token = tokenFromLink(await resetLinkSentTo(catcher, email));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const response = await t.http
      .post('/api/password/reset')
      .send({ token, new_password: 'too late password 1' })
      .expect(400);
    expect(response.body.message).toBe(TOKEN_INVALID);
    await loginAs(t.http, username, 'kept password 1');
  });
});

describe('password reset rate limits', () => {
  let t: TestApp;

  withMailApp(
    { RATE_LIMIT_MAIL_PER_ADDRESS: '2/hour', RATE_LIMIT_MAIL_PER_IP: '5/hour' },
    (app) => {
      t = app;
    },
  );

  it('limits requests per address, then per client address, with 429 and Retry-After', async () => {
    const target = `${uniqueUsername('flood')}@example.com`;
    await forgot(t.http, target).expect(202);
    await forgot(t.http, target.toUpperCase()).expect(202);
    const perAddress = await forgot(t.http, target).expect(429);
    expect(perAddress.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(
        /^Too many requests for this email address: try again in \d+ s$/,
      ),
    });
    const retryAfter = Number(perAddress.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    // Other addresses from the same client: two more fit the client's 5 per hour.
    for (let i = 0; i < 2; i += 1) {
      await forgot(t.http, `${uniqueUsername('spray')}@example.com`).expect(
        202,
      );
    }
    const perIp = await forgot(
      t.http,
      `${uniqueUsername('spray')}@example.com`,
    ).expect(429);
    expect(perIp.body.message).toMatch(
      /^Too many requests from this address: try again in \d+ s$/,
    );
    expect(Number(perIp.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('mail features turned off', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { PASSWORD_RESET: 'off', EMAIL_VERIFICATION: 'off' },
    });
  });
  afterAll(() => t.close());

  it('answers 404 naming the switch on the password and email routes', async () => {
    const forgotResponse = await forgot(t.http, 'a@example.com').expect(404);
    expect(forgotResponse.body.message).toBe(
      'Password reset is off on this server (PASSWORD_RESET=off)',
    );
    const verify = await t.http
      .post('/api/email/verify')
      .send({ token: 'A'.repeat(43) })
      .expect(404);
    expect(verify.body.message).toBe(
      'Email verification is off on this server (EMAIL_VERIFICATION=off)',
    );
  });
});

describe('password reset with the SMTP server down', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  beforeAll(async () => {
    catcher = await startSmtpCatcher();
    t = await createTestApp({ env: { SMTP_URL: catcher.url } });
    await catcher.close();
  });
  afterAll(() => t.close());

  it('still answers a known address with the usual 202: the mail goes after the answer', async () => {
    const email = `${uniqueUsername('down')}@example.com`;
    await registerUser(t.http, { email });
    const response = await forgot(t.http, email).expect(202);
    expect(response.body).toEqual(FORGOT_ANSWER);
  });
});
