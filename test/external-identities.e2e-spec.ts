// External identities (#15): the accounts a first external sign-in creates, linking and
// unlinking, accounts without a password, and the sign-in methods API. The service is driven
// directly, as the sign-in flow calls it once a provider's answer is verified.
import { FreshAuthService } from '../src/fresh-auth/fresh-auth.service';
import { randomBytes } from 'node:crypto';
import { ConflictException, ForbiddenException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import {
  type ExternalProfile,
  ExternalIdentitiesService,
} from '../src/external-auth/identities/external-identities.service';
import { SessionsService } from '../src/sessions/sessions.service';
import type { User } from '../src/users/user.entity';
import { createTestApp, type TestApp } from './support/app';
import { registerUser, uniqueUsername } from './support/factories';
import { basic, bearer } from './support/http';
import { bcryptModule } from './support/spied-modules';

const ADMIN = { username: 'idadmin', password: 'idadmin-password-1' };
const ADMIN_ENV = {
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
};
const NO_WAY_LEFT =
  'Unlinking this identity would leave no way to sign in: set a password first';

interface SignedIn {
  cookie: string;
  csrf: string;
}

interface IdentityBody {
  id: string;
  provider: string;
  display_name: string;
  email: string | null;
  linked_at: string;
}

let subjects = 0;
/** A provider's answer for a person nobody has seen yet. */
function profile(overrides: Partial<ExternalProfile> = {}): ExternalProfile {
  subjects += 1;
  return {
    provider: 'github',
    subject: `${subjects}${randomBytes(4).toString('hex')}`,
    email: null,
    emailVerified: false,
    usernameHint: null,
    name: null,
    ...overrides,
  };
}

/** The cost a bcrypt hash was made with: `$2b$04$…` → 4. */
function costOf(hash: string): number {
  return Number(hash.split('$')[2]);
}

describe('external identities', () => {
  let t: TestApp;
  let identities: ExternalIdentitiesService;

  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
    identities = t.app.get(ExternalIdentitiesService);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  /** A console session, made as the sign-in flow makes one after a provider's answer. */
  async function sessionFor(user: User): Promise<SignedIn> {
    const session = await t.app
      .get(SessionsService)
      .create(user.id, user.tokensValidAfter, { ip: null, userAgent: null });
    // As the external sign-in's callback does: the session comes from a sign-in just now.
    await t.app.get(FreshAuthService).record(user.id, session.id);
    return {
      cookie: `sid=${encodeURIComponent(session.token)}`,
      csrf: session.csrfToken,
    };
  }

  async function listed(
    session: SignedIn,
  ): Promise<{ identities: IdentityBody[]; has_password: boolean }> {
    const response = await t.http
      .get('/api/auth/identities')
      .set('Cookie', session.cookie)
      .expect(200);
    const body: { identities: IdentityBody[]; has_password: boolean } =
      response.body;
    return body;
  }

  function unlink(session: SignedIn, id: string) {
    return t.http
      .delete(`/api/auth/identities/${id}`)
      .set('Cookie', session.cookie)
      .set('X-CSRF-Token', session.csrf);
  }

  async function adminView(id: string): Promise<Record<string, unknown>> {
    const response = await t.http
      .get(`/api/users/${id}`)
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);
    const body: { user: Record<string, unknown> } = response.body;
    return body.user;
  }

  async function auditEvents(type: string, userId: string) {
    await t.app.get(AuditService).flush();
    const response = await t.http
      .get(`/api/audit?type=${type}&user_id=${userId}`)
      .set(basic(ADMIN.username, ADMIN.password))
      .expect(200);
    return response.body.items as {
      outcome: string;
      details: Record<string, unknown>;
    }[];
  }

  describe('signInOrCreate', () => {
    it('creates an account on the first sign-in: derived username, roles user, the verified email, no password', async () => {
      const email = `${uniqueUsername('octo')}@example.com`;
      const tag = randomBytes(3).toString('hex');
      const first = profile({
        usernameHint: `Octo Cat ${tag}`,
        email: email.toUpperCase(),
        emailVerified: true,
      });
      const { user, created } = await identities.signInOrCreate(first);

      expect(created).toBe(true);
      expect(user.username).toBe(`octo-cat-${tag}`);
      expect(user.roles).toEqual(['user']);
      expect(user.email).toBe(email);
      expect(user.disabled).toBe(false);
      const session = await sessionFor(user);
      const profileResponse = await t.http
        .get('/api/profile')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(profileResponse.body.user).toMatchObject({
        id: user.id,
        username: user.username,
        email,
        // The provider verified it: no link of ours is needed.
        email_verified: true,
        roles: ['user'],
      });
      const methods = await listed(session);
      expect(methods.has_password).toBe(false);
      expect(methods.identities).toEqual([
        {
          id: expect.any(String),
          provider: 'github',
          display_name: 'Github',
          email,
          linked_at: expect.any(String),
        },
      ]);
      expect(
        Math.abs(Date.parse(methods.identities[0].linked_at) - Date.now()),
      ).toBeLessThan(60_000);
    });

    it('finds the same account on the second sign-in and shows the email the provider reports now', async () => {
      const first = profile({
        usernameHint: uniqueUsername('again'),
        email: 'old@example.org',
      });
      const created = await identities.signInOrCreate(first);
      const again = await identities.signInOrCreate({
        ...first,
        email: 'new@example.org',
        usernameHint: 'someone-else',
      });

      expect(again.created).toBe(false);
      expect(again.user.id).toBe(created.user.id);
      expect(again.user.username).toBe(created.user.username);
      const methods = await listed(await sessionFor(again.user));
      expect(methods.identities).toHaveLength(1);
      expect(methods.identities[0].email).toBe('new@example.org');
      // An unverified email is never the account's.
      expect((await adminView(again.user.id)).email).toBeNull();
    });

    it('tells identities apart by provider and subject: the same subject at another provider is another account', async () => {
      const first = profile({ usernameHint: uniqueUsername('same') });
      const atGithub = await identities.signInOrCreate(first);
      const atCorp = await identities.signInOrCreate({
        ...first,
        provider: 'corp',
      });
      expect(atCorp.created).toBe(true);
      expect(atCorp.user.id).not.toBe(atGithub.user.id);
    });

    it('makes the derived username unique when it is taken', async () => {
      const holder = await registerUser(t.http, {
        username: uniqueUsername('taken'),
      });
      const hint = holder.username.toUpperCase();
      const second = await identities.signInOrCreate(
        profile({ usernameHint: hint }),
      );
      const third = await identities.signInOrCreate(
        profile({ usernameHint: hint }),
      );
      expect(second.user.username).toBe(`${holder.username}-2`);
      expect(third.user.username).toBe(`${holder.username}-3`);
      expect(second.user.id).not.toBe(holder.id);
    });

    it("derives the username from the email's local part, else the provider's name", async () => {
      const local = uniqueUsername('mail');
      const fromEmail = await identities.signInOrCreate(
        profile({ email: `${local}@example.net` }),
      );
      expect(fromEmail.user.username).toBe(local);
      const fromProvider = await identities.signInOrCreate(
        profile({ provider: 'corp' }),
      );
      expect(fromProvider.user.username).toMatch(/^corp(-\d+)?$/);
    });

    it('never hands over the account whose email the identity claims, nor copies that email (takeover attempt)', async () => {
      const victimEmail = `${uniqueUsername('victim')}@example.com`;
      const victim = await registerUser(t.http, { email: victimEmail });
      const before = await adminView(victim.id);

      const attacker = await identities.signInOrCreate(
        profile({
          usernameHint: victim.username,
          email: victimEmail.toUpperCase(),
          emailVerified: true,
        }),
      );

      expect(attacker.created).toBe(true);
      expect(attacker.user.id).not.toBe(victim.id);
      expect(attacker.user.username).toBe(`${victim.username}-2`);
      expect(attacker.user.email).toBeNull();
      // The victim's account is untouched, has no identity, and still signs in.
      expect(await adminView(victim.id)).toEqual(before);
      const victimMethods = await t.http
        .get('/api/auth/identities')
        .set(bearer(victim.accessToken))
        .expect(200);
      expect(victimMethods.body).toEqual({
        identities: [],
        has_password: true,
      });
      await t.http
        .post('/api/login')
        .send({ username: victim.username, password: victim.password })
        .expect(200);
      // The attacker's session is its own account's.
      const mine = await t.http
        .get('/api/profile')
        .set('Cookie', (await sessionFor(attacker.user)).cookie)
        .expect(200);
      expect(mine.body.user.id).toBe(attacker.user.id);
    });

    it('copies an unverified email never, even when nobody holds it', async () => {
      const email = `${uniqueUsername('unverified')}@example.com`;
      const { user } = await identities.signInOrCreate(
        profile({ email, emailVerified: false }),
      );
      expect(user.email).toBeNull();
      // Still free for whoever proves it later.
      await registerUser(t.http, { email });
    });

    it('refuses a disabled account, and records why', async () => {
      const first = profile({ usernameHint: uniqueUsername('off') });
      const { user } = await identities.signInOrCreate(first);
      await t.http
        .patch(`/api/users/${user.id}`)
        .set(basic(ADMIN.username, ADMIN.password))
        .send({ disabled: true })
        .expect(200);

      const refusal = identities.signInOrCreate(first);
      await expect(refusal).rejects.toBeInstanceOf(ForbiddenException);
      await expect(identities.signInOrCreate(first)).rejects.toThrow(
        'This account is disabled',
      );
      const events = await auditEvents('external_sign_in', user.id);
      expect(events.map((event) => event.outcome).sort()).toEqual([
        'failure',
        'failure',
        'success',
      ]);
      expect(
        events.find((event) => event.outcome === 'failure')?.details,
      ).toEqual({ provider: 'github', reason: 'disabled' });
    });
  });

  describe('an account without a password', () => {
    it('fails password sign-in exactly like a wrong password: same answer, one bcrypt comparison at the configured cost', async () => {
      const { user } = await identities.signInOrCreate(
        profile({ usernameHint: uniqueUsername('nopass') }),
      );
      const other = await registerUser(t.http);
      const wrong = await t.http
        .post('/api/login')
        .send({ username: other.username, password: 'wrong-password' })
        .expect(401);

      // Also the equaliser's own password, which does match the hash compared against.
      for (const password of [
        'any-password-1',
        'timing equaliser for unknown users',
      ]) {
        const compare = jest.spyOn(bcryptModule, 'compare');
        const response = await t.http
          .post('/api/login')
          .send({ username: user.username, password })
          .expect(401);
        expect(response.body).toEqual(wrong.body);
        expect(compare).toHaveBeenCalledTimes(1);
        expect(costOf(compare.mock.calls[0][1])).toBe(t.config.bcryptCost);
        compare.mockRestore();
      }
      const session = await t.http
        .post('/api/session')
        .send({ username: user.username, password: 'any-password-1' })
        .expect(401);
      expect(session.body.message).toBe('Invalid username or password');
    });

    it('fails HTTP Basic like a wrong password', async () => {
      const { user } = await identities.signInOrCreate(
        profile({ usernameHint: uniqueUsername('nobasic') }),
      );
      const other = await registerUser(t.http);
      const wrong = await t.http
        .get('/api/profile')
        .set(basic(other.username, 'wrong-password'))
        .expect(401);
      for (const password of [
        'any-password-1',
        'timing equaliser for unknown users',
      ]) {
        const response = await t.http
          .get('/api/profile')
          .set(basic(user.username, password))
          .expect(401);
        expect(response.body).toEqual(wrong.body);
        expect(response.headers['www-authenticate']).toBe(
          wrong.headers['www-authenticate'],
        );
      }
    });

    it('cannot change a password it does not have (403 like a wrong current password)', async () => {
      const { user } = await identities.signInOrCreate(
        profile({ usernameHint: uniqueUsername('nochange') }),
      );
      const session = await sessionFor(user);
      const response = await t.http
        .post('/api/profile/password')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({
          current_password: 'timing equaliser for unknown users',
          new_password: 'a-new-password-1',
        })
        .expect(403);
      expect(response.body.message).toBe('current_password is incorrect');
      expect((await listed(session)).has_password).toBe(false);
    });
  });

  describe('link', () => {
    it('links an identity to the signed-in account; linking it again changes nothing', async () => {
      const owner = await registerUser(t.http);
      const github = profile({ email: 'Owner@Example.com' });
      const linked = await identities.link(owner.id, github);
      const again = await identities.link(owner.id, github);
      expect(again.id).toBe(linked.id);

      const response = await t.http
        .get('/api/auth/identities')
        .set(bearer(owner.accessToken))
        .expect(200);
      expect(response.body).toEqual({
        identities: [
          {
            id: linked.id,
            provider: 'github',
            display_name: 'Github',
            email: 'owner@example.com',
            linked_at: linked.createdAt.toISOString(),
          },
        ],
        has_password: true,
      });
      // From now on the identity signs in as this account.
      const signIn = await identities.signInOrCreate(github);
      expect(signIn).toMatchObject({ created: false, user: { id: owner.id } });
      const events = await auditEvents('external_identity_linked', owner.id);
      expect(events).toEqual([
        expect.objectContaining({
          outcome: 'success',
          details: { provider: 'github', identity_id: linked.id },
        }),
      ]);
    });

    it("refuses an identity that signs in as another account (409), leaving it that account's", async () => {
      const { user: holder } = await identities.signInOrCreate(
        profile({ usernameHint: uniqueUsername('holder') }),
      );
      const [identity] = await identities.list(holder.id);
      const other = await registerUser(t.http);
      const attempt = identities.link(other.id, {
        ...profile(),
        provider: identity.provider,
        subject: identity.subject,
      });
      await expect(attempt).rejects.toBeInstanceOf(ConflictException);
      await expect(attempt).rejects.toThrow(
        'This Github account is already linked to another Gatehouse account',
      );
      expect(await identities.list(other.id)).toEqual([]);
      expect((await identities.list(holder.id)).map((i) => i.id)).toEqual([
        identity.id,
      ]);
      const events = await auditEvents('external_identity_linked', other.id);
      expect(events.map((event) => event.details)).toEqual([
        { provider: 'github', reason: 'linked_to_another_user' },
      ]);
    });
  });

  describe('GET /api/auth/identities', () => {
    it('needs a signed-in user (401 without a credential)', async () => {
      const response = await t.http.get('/api/auth/identities').expect(401);
      expect(response.body.identities).toBeUndefined();
    });
  });

  describe('DELETE /api/auth/identities/:id', () => {
    it('refuses to unlink the last way to sign in (409); the identity still signs in', async () => {
      const first = profile({ usernameHint: uniqueUsername('last') });
      const { user } = await identities.signInOrCreate(first);
      const session = await sessionFor(user);
      const [identity] = (await listed(session)).identities;

      const response = await unlink(session, identity.id).expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: NO_WAY_LEFT,
      });
      expect((await listed(session)).identities).toHaveLength(1);
      const again = await identities.signInOrCreate(first);
      expect(again).toMatchObject({ created: false, user: { id: user.id } });
      const events = await auditEvents('external_identity_unlinked', user.id);
      expect(events.map((event) => [event.outcome, event.details])).toEqual([
        [
          'failure',
          {
            provider: 'github',
            identity_id: identity.id,
            reason: 'last_sign_in_method',
          },
        ],
      ]);
    });

    it('unlinks one of two identities; signing in with it again makes a new account', async () => {
      const github = profile({ usernameHint: uniqueUsername('two') });
      const { user } = await identities.signInOrCreate(github);
      const corp = profile({ provider: 'corp' });
      await identities.link(user.id, corp);
      const session = await sessionFor(user);
      const before = (await listed(session)).identities;
      expect(before.map((identity) => identity.provider)).toEqual([
        'github',
        'corp',
      ]);

      await unlink(session, before[0].id).expect(204);

      expect((await listed(session)).identities).toEqual([before[1]]);
      const again = await identities.signInOrCreate(github);
      expect(again.created).toBe(true);
      expect(again.user.id).not.toBe(user.id);
      // The one left is the last way in.
      await unlink(session, before[1].id).expect(409);
      const events = await auditEvents('external_identity_unlinked', user.id);
      expect(
        events.map((event) => [event.outcome, event.details.identity_id]),
      ).toEqual(
        expect.arrayContaining([
          ['success', before[0].id],
          ['failure', before[1].id],
        ]),
      );
    });

    it("answers 404 for another account's identity and leaves it linked; 404 for an unknown id, 400 for a malformed one", async () => {
      const { user: holder } = await identities.signInOrCreate(profile());
      const [theirs] = await identities.list(holder.id);
      const other = await registerUser(t.http);

      const response = await t.http
        .delete(`/api/auth/identities/${theirs.id}`)
        .set(bearer(other.accessToken))
        .expect(404);
      expect(response.body.message).toBe(
        `No linked identity with id ${theirs.id}`,
      );
      expect((await identities.list(holder.id)).map((i) => i.id)).toEqual([
        theirs.id,
      ]);
      await t.http
        .delete('/api/auth/identities/00000000-0000-4000-8000-000000000000')
        .set(bearer(other.accessToken))
        .expect(404);
      const malformed = await t.http
        .delete('/api/auth/identities/not-a-uuid')
        .set(bearer(other.accessToken))
        .expect(400);
      expect(malformed.body.message).toMatch(/uuid/i);
    });

    it('never lets two unlinks at once remove the last two identities', async () => {
      const { user } = await identities.signInOrCreate(profile());
      await identities.link(user.id, profile({ provider: 'corp' }));
      const both = await identities.list(user.id);

      // Side by side, each sees the other identity still there when it checks.
      const outcomes = await Promise.allSettled(
        both.map((identity) => identities.unlink(user.id, identity.id)),
      );

      const unlinked = outcomes.filter((o) => o.status === 'fulfilled');
      expect(unlinked.length).toBeLessThan(2);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(ConflictException);
        }
      }
      expect(await identities.list(user.id)).toHaveLength(2 - unlinked.length);
    });

    it('unlinks the only identity of an account that has a password', async () => {
      const owner = await registerUser(t.http);
      const linked = await identities.link(owner.id, profile());
      await t.http
        .delete(`/api/auth/identities/${linked.id}`)
        .set(bearer(owner.accessToken))
        .expect(204);
      expect(await identities.list(owner.id)).toEqual([]);
    });

    it("needs the session's CSRF token", async () => {
      const { user } = await identities.signInOrCreate(profile());
      const session = await sessionFor(user);
      const [identity] = (await listed(session)).identities;
      await t.http
        .delete(`/api/auth/identities/${identity.id}`)
        .set('Cookie', session.cookie)
        .expect(403);
      expect((await listed(session)).identities).toHaveLength(1);
    });
  });

  describe('POST /api/auth/password', () => {
    it('sets a first password: the account then signs in with it, by login and Basic, and may unlink its last identity', async () => {
      const { user } = await identities.signInOrCreate(
        profile({ usernameHint: uniqueUsername('setpw') }),
      );
      const session = await sessionFor(user);
      const password = 'my first password';

      await t.http
        .post('/api/auth/password')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ password })
        .expect(204);

      const methods = await listed(session);
      expect(methods.has_password).toBe(true);
      const login = await t.http
        .post('/api/login')
        .send({ username: user.username, password })
        .expect(200);
      expect(typeof login.body.access_token).toBe('string');
      const viaBasic = await t.http
        .get('/api/profile')
        .set(basic(user.username, password))
        .expect(200);
      expect(viaBasic.body.user.id).toBe(user.id);
      await unlink(session, methods.identities[0].id).expect(204);
      // The session that set the password is still alive.
      expect((await listed(session)).identities).toEqual([]);
      const events = await auditEvents('password_change', user.id);
      expect(events.map((event) => [event.outcome, event.details])).toEqual([
        ['success', { first_password: true }],
      ]);
    });

    it('refuses to replace an existing password (409) and leaves it working', async () => {
      const owner = await registerUser(t.http);
      const response = await t.http
        .post('/api/auth/password')
        .set(bearer(owner.accessToken))
        .send({ password: 'another password' })
        .expect(409);
      expect(response.body.message).toBe(
        'This account already has a password: change it with POST /api/profile/password',
      );
      await t.http
        .post('/api/login')
        .send({ username: owner.username, password: owner.password })
        .expect(200);
      await t.http
        .post('/api/login')
        .send({ username: owner.username, password: 'another password' })
        .expect(401);
    });

    it('needs a recent sign-in: a session older than FRESH_AUTH_WINDOW gets 403 and sets nothing', async () => {
      const { user } = await identities.signInOrCreate(profile());
      const session = await sessionFor(user);
      jest
        .spyOn(Date, 'now')
        .mockReturnValue(
          Date.now() + (t.config.freshAuthWindowSeconds + 1) * 1000,
        );
      try {
        const response = await t.http
          .post('/api/auth/password')
          .set('Cookie', session.cookie)
          .set('X-CSRF-Token', session.csrf)
          .send({ password: 'my first password' })
          .expect(403);
        expect(response.body.reason).toBe('reauthentication_required');
      } finally {
        jest.restoreAllMocks();
      }
      expect((await listed(session)).has_password).toBe(false);
    });

    it('applies the password rules, naming the field (400)', async () => {
      const { user } = await identities.signInOrCreate(profile());
      const session = await sessionFor(user);
      const response = await t.http
        .post('/api/auth/password')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ password: 'short' })
        .expect(400);
      expect(response.body.message).toContain('password');
      expect(response.body.message).toContain('at least 8 characters');
      expect((await listed(session)).has_password).toBe(false);
    });
  });

  describe('deleting an account', () => {
    it('deletes its identities: signing in with one again makes a new account', async () => {
      const first = profile({ usernameHint: uniqueUsername('gone') });
      const { user } = await identities.signInOrCreate(first);
      await t.http
        .delete(`/api/users/${user.id}`)
        .set(basic(ADMIN.username, ADMIN.password))
        .expect(204);

      const rows: unknown[] = await t.app
        .get(DataSource)
        .query(
          t.app.get(DataSource).options.type === 'postgres'
            ? 'SELECT id FROM external_identities WHERE user_id = $1'
            : 'SELECT id FROM external_identities WHERE user_id = ?',
          [user.id],
        );
      expect(rows).toEqual([]);
      const again = await identities.signInOrCreate(first);
      expect(again.created).toBe(true);
      expect(again.user.id).not.toBe(user.id);
    });
  });

  describe('OpenAPI', () => {
    it('documents the three routes, their answers and their errors', async () => {
      const doc = (await t.http.get('/api/docs-json').expect(200)).body;
      const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
      const list = doc.paths['/api/auth/identities'].get;
      expect(list.security).toEqual([{ jwt: [] }, { session: [] }]);
      expect(list.responses['200'].content['application/json'].schema).toEqual(
        ref('IdentitiesResponse'),
      );
      expect(
        Object.keys(doc.components.schemas.IdentitiesResponse.properties),
      ).toEqual(['identities', 'has_password']);
      expect(
        Object.keys(doc.components.schemas.IdentityResponse.properties),
      ).toEqual(['id', 'provider', 'display_name', 'email', 'linked_at']);
      const remove = doc.paths['/api/auth/identities/{id}'].delete.responses;
      expect(Object.keys(remove)).toEqual(
        expect.arrayContaining(['204', '400', '401', '404', '409']),
      );
      expect(remove['409'].content['application/json'].schema).toEqual(
        ref('ErrorResponse'),
      );
      const setPassword = doc.paths['/api/auth/password'].post;
      expect(Object.keys(setPassword.responses)).toEqual(
        expect.arrayContaining(['204', '400', '401', '409']),
      );
      expect(
        setPassword.requestBody.content['application/json'].schema,
      ).toEqual(ref('SetPasswordDto'));
    });
  });

  describe('audit', () => {
    it('records the account creation and each sign-in with the provider', async () => {
      const first = profile({
        provider: 'corp',
        usernameHint: uniqueUsername('aud'),
      });
      const { user } = await identities.signInOrCreate(first);
      await identities.signInOrCreate(first);

      const created = await auditEvents('external_account_created', user.id);
      expect(created).toEqual([
        expect.objectContaining({
          outcome: 'success',
          details: { provider: 'corp', email_copied: false },
        }),
      ]);
      const signIns = await auditEvents('external_sign_in', user.id);
      expect(signIns.map((event) => event.details)).toEqual([
        { provider: 'corp', created: false },
        { provider: 'corp', created: true },
      ]);
    });
  });
});
