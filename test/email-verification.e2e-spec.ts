import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { AuditService } from '../src/audit/audit.service';
import { createTestApp, type TestApp } from './support/app';
import { withMailApp } from './support/mail-app';
import { loginAs, registerUser, uniqueUsername } from './support/factories';
import { basic, bearer } from './support/http';
import { captureLogs } from './support/logs';
import {
  type CaughtMessage,
  type SmtpCatcher,
  tokenFromLink,
} from './support/smtp-catcher';

const NOT_VERIFIED =
  'Verify your email address before signing in: follow the link sent to it, or ask for another with POST /api/email/verification/resend';
const TOKEN_INVALID = 'token is invalid, expired or already used';

function verificationLink(message: CaughtMessage): string {
  const link = message.links.find((l) => l.includes('/verify-email#token='));
  if (!link) {
    throw new Error(`no verification link in ${JSON.stringify(message.text)}`);
  }
  return link;
}

async function linkSentTo(
  catcher: SmtpCatcher,
  email: string,
  after = 0,
): Promise<string> {
  const message = await catcher.waitForMessage(
    (m) =>
      m.to.includes(email) &&
      m.subject === 'Verify your email address' &&
      catcher.messages.indexOf(m) >= after,
  );
  return verificationLink(message);
}

async function noMessageTo(
  catcher: SmtpCatcher,
  email: string,
  waitMs = 700,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  expect(catcher.messagesTo(email)).toEqual([]);
}

describe('email verification', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  withMailApp({ ISSUER_URL: 'https://auth.example.test' }, (app, mail) => {
    t = app;
    catcher = mail;
  });

  /** The user's email_* audit events, oldest first, once every one of `expected` is there. */
  async function emailEventsOf(
    userId: string,
    expected: string[],
  ): Promise<string[]> {
    let types: string[] = [];
    for (let waited = 0; waited < 3000; waited += 50) {
      const { items } = await t.app.get(AuditService).list({ userId }, 1, 100);
      types = items
        .map((event) => event.type as string)
        .filter((type) => type.startsWith('email_'))
        .reverse();
      if (expected.every((type) => types.includes(type))) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return types;
  }

  async function profileOf(accessToken: string) {
    const response = await t.http
      .get('/api/profile')
      .set(bearer(accessToken))
      .expect(200);
    return response.body.user as {
      email: string | null;
      email_verified: boolean;
      pending_email: string | null;
    };
  }

  describe('POST /api/register and POST /api/email/verify', () => {
    it('mails a link to the console at the issuer, token in the fragment; following it verifies the address once', async () => {
      const username = uniqueUsername('verify');
      const email = `${username}@example.com`;
      const user = await registerUser(t.http, { username, email });
      expect(await profileOf(user.accessToken)).toMatchObject({
        email,
        email_verified: false,
        pending_email: null,
      });

      const link = await linkSentTo(catcher, email);
      expect(link).toMatch(
        /^https:\/\/auth\.example\.test\/verify-email#token=[A-Za-z0-9_-]{43}$/,
      );
      const token = tokenFromLink(link);
      const verified = await t.http
        .post('/api/email/verify')
        .send({ token })
        .expect(200);
      expect(verified.body.user).toMatchObject({
        id: user.id,
        email,
        email_verified: true,
        pending_email: null,
      });
      expect((await profileOf(user.accessToken)).email_verified).toBe(true);
      expect(
        await emailEventsOf(user.id, [
          'email_verification_sent',
          'email_verified',
        ]),
      ).toEqual(['email_verification_sent', 'email_verified']);

      const reused = await t.http
        .post('/api/email/verify')
        .send({ token })
        .expect(400);
      expect(reused.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: TOKEN_INVALID,
      });
    });

    it('refuses an unknown or malformed token, and a missing one naming the field', async () => {
      for (const token of ['x'.repeat(43), 'short', '']) {
        const response = await t.http
          .post('/api/email/verify')
          .send({ token })
          .expect(400);
        expect(response.body.message).toBe(TOKEN_INVALID);
      }
      const missing = await t.http
        .post('/api/email/verify')
        .send({})
        .expect(400);
      expect(missing.body.message).toMatch(/token is required/);
    });

    it('sends nothing for an account registered without an email', async () => {
      const user = await registerUser(t.http);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(
        catcher.messages.filter((m) => m.text.includes(user.username)),
      ).toEqual([]);
    });
  });

  describe('PATCH /api/profile {email}', () => {
    it('keeps the email until the new address confirms it, telling the old address', async () => {
      const username = uniqueUsername('change');
      const oldEmail = `${username}@example.com`;
      const newEmail = `${username}@new.example.com`;
      const user = await registerUser(t.http, { username, email: oldEmail });
      await t.http
        .post('/api/email/verify')
        .send({ token: tokenFromLink(await linkSentTo(catcher, oldEmail)) })
        .expect(200);

      const patched = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: newEmail.toUpperCase(), first_name: 'Ada' })
        .expect(200);
      expect(patched.body.user).toMatchObject({
        email: oldEmail,
        email_verified: true,
        pending_email: newEmail,
        first_name: 'Ada',
      });
      const notice = await catcher.waitForMessage(
        (m) =>
          m.to.includes(oldEmail) &&
          m.subject === 'A change of your email address was asked',
      );
      expect(notice.text).toContain(newEmail);
      expect(notice.links).toEqual([]);

      const link = await linkSentTo(catcher, newEmail);
      expect(await profileOf(user.accessToken)).toMatchObject({
        email: oldEmail,
        pending_email: newEmail,
      });
      const confirmed = await t.http
        .post('/api/email/verify')
        .send({ token: tokenFromLink(link) })
        .expect(200);
      expect(confirmed.body.user).toMatchObject({
        email: newEmail,
        email_verified: true,
        pending_email: null,
      });
      expect(await profileOf(user.accessToken)).toMatchObject({
        email: newEmail,
        email_verified: true,
        pending_email: null,
      });
      expect(
        await emailEventsOf(user.id, [
          'email_change_requested',
          'email_changed',
        ]),
      ).toEqual([
        'email_verification_sent',
        'email_verified',
        'email_change_requested',
        'email_verification_sent',
        'email_changed',
      ]);
      // The old address is free again.
      await registerUser(t.http, { email: oldEmail });
    });

    it('answers 409 for an address another account holds, whatever its case, changing and sending nothing', async () => {
      const holderName = uniqueUsername('holder');
      const held = `${holderName}@example.com`;
      await registerUser(t.http, { username: holderName, email: held });
      await linkSentTo(catcher, held);
      const user = await registerUser(t.http, { first_name: 'Before' });
      const sentBefore = catcher.messagesTo(held).length;

      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: held.toUpperCase(), first_name: 'After' })
        .expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'email is already registered',
      });
      const profile = await t.http
        .get('/api/profile')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(profile.body.user).toMatchObject({
        email: null,
        pending_email: null,
        first_name: 'Before',
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(catcher.messagesTo(held).length).toBe(sentBefore);
    });

    it('answers 409 when another account took the pending address before the link was followed', async () => {
      const target = `${uniqueUsername('race')}@example.com`;
      const user = await registerUser(t.http);
      await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: target })
        .expect(200);
      const link = await linkSentTo(catcher, target);
      await registerUser(t.http, { email: target });

      const response = await t.http
        .post('/api/email/verify')
        .send({ token: tokenFromLink(link) })
        .expect(409);
      expect(response.body.message).toBe('email is already registered');
      expect(await profileOf(user.accessToken)).toMatchObject({
        email: null,
        pending_email: target,
      });
    });

    it('refuses the link of an address the account no longer asks for', async () => {
      const first = `${uniqueUsername('first')}@example.com`;
      const second = `${uniqueUsername('second')}@example.com`;
      const user = await registerUser(t.http);
      for (const email of [first, second]) {
        await t.http
          .patch('/api/profile')
          .set(bearer(user.accessToken))
          .send({ email })
          .expect(200);
      }
      const stale = await linkSentTo(catcher, first);
      await t.http
        .post('/api/email/verify')
        .send({ token: tokenFromLink(stale) })
        .expect(400);
      expect(await profileOf(user.accessToken)).toMatchObject({
        email: null,
        pending_email: second,
      });
    });

    it('removes the email at once when sent as null', async () => {
      const email = `${uniqueUsername('remove')}@example.com`;
      const user = await registerUser(t.http, { email });
      const response = await t.http
        .patch('/api/profile')
        .set(bearer(user.accessToken))
        .send({ email: null })
        .expect(200);
      expect(response.body.user).toMatchObject({
        email: null,
        email_verified: false,
        pending_email: null,
      });
      // Its verification link is dead with it.
      await t.http
        .post('/api/email/verify')
        .send({ token: tokenFromLink(await linkSentTo(catcher, email)) })
        .expect(400);
    });
  });

  describe('POST /api/email/verification', () => {
    it('sends a new link for the unverified address, and 409 once it is verified', async () => {
      const email = `${uniqueUsername('again')}@example.com`;
      const user = await registerUser(t.http, { email });
      await linkSentTo(catcher, email);
      const count = catcher.messages.length;

      const response = await t.http
        .post('/api/email/verification')
        .set(bearer(user.accessToken))
        .expect(202);
      expect(response.body).toEqual({
        message: 'A new link to verify the email address is on its way',
      });
      const link = await linkSentTo(catcher, email, count);
      await t.http
        .post('/api/email/verify')
        .send({ token: tokenFromLink(link) })
        .expect(200);

      const nothing = await t.http
        .post('/api/email/verification')
        .set(bearer(user.accessToken))
        .expect(409);
      expect(nothing.body.message).toBe(
        'Nothing to verify: the email address is already verified',
      );
    });

    it('answers 409 for an account without an email, and 401 without credentials', async () => {
      const user = await registerUser(t.http);
      const response = await t.http
        .post('/api/email/verification')
        .set(bearer(user.accessToken))
        .expect(409);
      expect(response.body.message).toMatch(/has no email address/);
      await t.http.post('/api/email/verification').expect(401);
    });
  });

  describe('POST /api/email/verification/resend', () => {
    it('answers the same for an unverified, a verified and an unknown address, mailing only the unverified one', async () => {
      const unverified = `${uniqueUsername('unv')}@example.com`;
      const unknown = `${uniqueUsername('nobody')}@example.com`;
      await registerUser(t.http, { email: unverified });
      await linkSentTo(catcher, unverified);
      const count = catcher.messages.length;

      const answers = [];
      for (const email of [unverified, unknown]) {
        const response = await t.http
          .post('/api/email/verification/resend')
          .send({ email })
          .expect(202);
        answers.push(response.body);
      }
      expect(answers[0]).toEqual({
        message:
          'If an account has this unverified email address, a new link to verify it is on its way',
      });
      expect(answers[1]).toEqual(answers[0]);
      await linkSentTo(catcher, unverified, count);
      await noMessageTo(catcher, unknown);
    });

    it('answers 400 naming email for a malformed address', async () => {
      const response = await t.http
        .post('/api/email/verification/resend')
        .send({ email: 'not-an-address' })
        .expect(400);
      expect(response.body.message).toMatch(/email must be an email address/);
    });
  });
});

describe('REQUIRE_VERIFIED_EMAIL=true', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  withMailApp({ REQUIRE_VERIFIED_EMAIL: 'true' }, (app, mail) => {
    t = app;
    catcher = mail;
  });

  it('requires an email to register', async () => {
    const response = await t.http
      .post('/api/register')
      .send({
        username: uniqueUsername('noemail'),
        password: 'correct horse 1',
      })
      .expect(400);
    expect(response.body.message).toMatch(/^email is required/);
  });

  it('refuses password sign-in everywhere until the email is verified, then lets it in', async () => {
    const username = uniqueUsername('strict');
    const email = `${username}@example.com`;
    const password = 'correct horse 1';
    const registered = await t.http
      .post('/api/register')
      .send({ username, password, email })
      .expect(201);
    expect(registered.body).toEqual({
      user: expect.objectContaining({ username, email, email_verified: false }),
      message: `Follow the link sent to ${email} to verify it, then sign in`,
    });

    const login = await t.http
      .post('/api/login')
      .send({ username, password })
      .expect(403);
    expect(login.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: NOT_VERIFIED,
    });
    const session = await t.http
      .post('/api/session')
      .send({ username, password })
      .expect(403);
    expect(session.body.message).toBe(NOT_VERIFIED);
    const viaBasic = await t.http
      .get('/api/profile')
      .set(basic(username, password))
      .expect(403);
    expect(viaBasic.body.message).toBe(NOT_VERIFIED);
    // A wrong password still gets the usual 401, which tells nothing about the email.
    await t.http
      .post('/api/login')
      .send({ username, password: 'wrong password 1' })
      .expect(401);

    // The first link was lost: ask for another, as the refusal says.
    await linkSentTo(catcher, email);
    const count = catcher.messages.length;
    await t.http
      .post('/api/email/verification/resend')
      .send({ email })
      .expect(202);
    const link = await linkSentTo(catcher, email, count);
    await t.http
      .post('/api/email/verify')
      .send({ token: tokenFromLink(link) })
      .expect(200);

    const after = await t.http
      .post('/api/login')
      .send({ username, password })
      .expect(200);
    expect(after.body.access_token).toEqual(expect.any(String));
    await t.http.get('/api/profile').set(basic(username, password)).expect(200);
  });
});

describe('verification links to an address: rate-limited', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  withMailApp({ RATE_LIMIT_MAIL_PER_ADDRESS: '2/hour' }, (app, mail) => {
    t = app;
    catcher = mail;
  });

  it('counts the email change and the signed-in resend per address, so an account cannot flood someone else', async () => {
    const user = await registerUser(t.http);
    const victim = `${uniqueUsername('victim')}@example.com`;
    const other = `${uniqueUsername('other')}@example.com`;
    await t.http
      .patch('/api/profile')
      .set(bearer(user.accessToken))
      .send({ email: victim })
      .expect(200);
    await t.http
      .post('/api/email/verification')
      .set(bearer(user.accessToken))
      .expect(202);
    const limited = await t.http
      .post('/api/email/verification')
      .set(bearer(user.accessToken))
      .expect(429);
    expect(limited.body.message).toMatch(
      /^Too many requests for this email address: try again in \d+ s$/,
    );
    expect(limited.headers['retry-after']).toEqual(expect.any(String));

    await t.http
      .patch('/api/profile')
      .set(bearer(user.accessToken))
      .send({ email: other })
      .expect(200);
    await t.http
      .patch('/api/profile')
      .set(bearer(user.accessToken))
      .send({ email: victim })
      .expect(429);
    const profile = await t.http
      .get('/api/profile')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(profile.body.user.pending_email).toBe(other);
    await linkSentTo(catcher, other);
    // The two links the limit allowed, and not a third.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      catcher
        .messagesTo(victim)
        .filter((m) => m.subject === 'Verify your email address'),
    ).toHaveLength(2);
  });
});

describe('email verification links expire', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  withMailApp({ EMAIL_VERIFICATION_TTL: '1s' }, (app, mail) => {
    t = app;
    catcher = mail;
  });

  it('refuses a link followed after EMAIL_VERIFICATION_TTL, and leaves the address unverified', async () => {
    const email = `${uniqueUsername('late')}@example.com`;
    const user = await registerUser(t.http, { email });
    const link = await linkSentTo(catcher, email);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const response = await t.http
      .post('/api/email/verify')
      .send({ token: tokenFromLink(link) })
      .expect(400);
    expect(response.body.message).toBe(TOKEN_INVALID);
    const profile = await t.http
      .get('/api/profile')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(profile.body.user.email_verified).toBe(false);
  });
});

describe('mail without SMTP_URL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('writes the message to DATA_DIR/outbox and logs the recipient and file, never the link', async () => {
    const logs = captureLogs();
    try {
      const email = `${uniqueUsername('outbox')}@example.com`;
      await registerUser(t.http, { email });
      const outbox = join(t.dataDir, 'outbox');
      const logged = () =>
        logs
          .at('log')
          .some(
            (entry) =>
              (entry as { msg?: unknown }).msg ===
              'mail written to the outbox (SMTP_URL is unset)',
          );
      // The file appears before it is complete; the log line comes once it is.
      for (let waited = 0; waited < 5000; waited += 50) {
        if (existsSync(outbox) && readdirSync(outbox).length > 0 && logged()) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const files = readdirSync(outbox);
      expect(files).toEqual([expect.stringMatching(/^\d+-[0-9a-f]{12}\.eml$/)]);
      const eml = await simpleParser(readFileSync(join(outbox, files[0])));
      expect(eml.to).toMatchObject({ text: email });
      expect(eml.subject).toBe('Verify your email address');
      const token = /verify-email#token=([A-Za-z0-9_-]{43})/.exec(
        eml.text ?? '',
      )?.[1];
      expect(token).toEqual(expect.any(String));
      expect(logs.at('log')).toContainEqual({
        msg: 'mail written to the outbox (SMTP_URL is unset)',
        to: email,
        subject: 'Verify your email address',
        file: join(outbox, files[0]),
      });
      const everything = JSON.stringify([
        logs.at('log'),
        logs.at('warn'),
        logs.at('error'),
      ]);
      expect(everything).not.toContain(token);
      // The link in the file works.
      await t.http.post('/api/email/verify').send({ token }).expect(200);
    } finally {
      logs.restore();
    }
  });
});

describe('PATCH /api/profile {email}: fresh authentication', () => {
  let catcher: SmtpCatcher;
  let t: TestApp;

  withMailApp({ FRESH_AUTH_WINDOW: '1s' }, (app, mail) => {
    t = app;
    catcher = mail;
  });

  it('refuses a stale session with reason reauthentication_required, changing nothing; names alone need no fresh sign-in', async () => {
    const username = uniqueUsername('stale');
    const email = `${username}@example.com`;
    const user = await registerUser(t.http, { username, email });
    const signedIn = await t.http
      .post('/api/session')
      .send({ username, password: user.password })
      .expect(200);
    const cookie = ([] as string[])
      .concat(signedIn.headers['set-cookie'] ?? [])[0]
      .split(';')[0];
    const csrf = signedIn.body.csrf_token as string;
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const target = `${uniqueUsername('stolen')}@example.com`;
    for (const change of [target, null]) {
      const refused = await t.http
        .patch('/api/profile')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .send({ email: change })
        .expect(403);
      expect(refused.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        reason: 'reauthentication_required',
        message: expect.stringContaining('POST /api/auth/reauthenticate'),
      });
    }
    const names = await t.http
      .patch('/api/profile')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ first_name: 'Still', email: email.toUpperCase() })
      .expect(200);
    expect(names.body.user).toMatchObject({
      email,
      pending_email: null,
      first_name: 'Still',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(catcher.messagesTo(target)).toEqual([]);

    // A new sign-in is fresh again.
    const { accessToken } = await loginAs(t.http, username, user.password);
    const changed = await t.http
      .patch('/api/profile')
      .set(bearer(accessToken))
      .send({ email: target })
      .expect(200);
    expect(changed.body.user).toMatchObject({ email, pending_email: target });
  });
});
