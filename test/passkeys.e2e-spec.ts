import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { configFromEnvironment } from '../src/config/config.module';
import { Passkey } from '../src/passkeys/passkey.entity';
import {
  CEREMONY_TTL_MS,
  PasskeysService,
} from '../src/passkeys/passkeys.service';
import { WebauthnCeremony } from '../src/passkeys/webauthn-ceremony.entity';
import { UsersService } from '../src/users/users.service';
import { createTestApp, type TestApp } from './support/app';
import { registerUser, type RegisteredUser } from './support/factories';
import { bearer } from './support/http';
import {
  AuthenticatorError,
  SoftwareAuthenticator,
} from './support/software-authenticator';

const PASSKEY_FIELDS = [
  'backed_up',
  'created_at',
  'device_type',
  'id',
  'last_used_at',
  'name',
];

describe('passkeys', () => {
  let t: TestApp;
  let origin: string;
  let service: PasskeysService;

  beforeAll(async () => {
    t = await createTestApp();
    origin = t.config.webauthn.origins[0];
    service = t.app.get(PasskeysService);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  async function options(user: RegisteredUser): Promise<{
    ceremonyId: string;
    options: PublicKeyCredentialCreationOptionsJSON;
  }> {
    const response = await t.http
      .post('/api/passkeys/registration-options')
      .set(bearer(user.accessToken))
      .expect(200);
    return {
      ceremonyId: response.body.ceremony_id,
      options: response.body.options,
    };
  }

  function post(
    user: RegisteredUser,
    ceremonyId: string,
    credential: RegistrationResponseJSON | Record<string, unknown>,
    name?: string,
  ) {
    return t.http
      .post('/api/passkeys')
      .set(bearer(user.accessToken))
      .send({ ceremony_id: ceremonyId, credential, name });
  }

  /** Registers one passkey of `authenticator` for `user` through the API. */
  async function addPasskey(
    user: RegisteredUser,
    authenticator: SoftwareAuthenticator,
    name?: string,
  ): Promise<{ id: string; credentialId: string }> {
    const started = await options(user);
    const credential = authenticator.create(started.options, origin);
    const response = await post(user, started.ceremonyId, credential, name);
    expect(response.status).toBe(201);
    return { id: response.body.id, credentialId: credential.id };
  }

  function list(user: RegisteredUser) {
    return t.http.get('/api/passkeys').set(bearer(user.accessToken));
  }

  async function auditTypes(userId: string): Promise<string[]> {
    const { items } = await t.app.get(AuditService).list({ userId }, 1, 100);
    return items
      .map((event) => event.type)
      .filter((type) => type.startsWith('passkey_'))
      .reverse();
  }

  const CEREMONY_REFUSED =
    'ceremony_id is invalid, expired or already used: ask for new options with POST /api/passkeys/registration-options';

  describe('POST /api/passkeys/registration-options', () => {
    it('asks for a discoverable ES256-capable credential for this RP and user, excluding the user’s passkeys', async () => {
      const user = await registerUser(t.http);
      const first = await options(user);
      expect(first.ceremonyId).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.options).toMatchObject({
        rp: { id: 'localhost', name: 'Gatehouse' },
        user: {
          id: Buffer.from(user.id).toString('base64url'),
          name: user.username,
          displayName: user.username,
        },
        timeout: CEREMONY_TTL_MS,
        attestation: 'none',
        excludeCredentials: [],
        authenticatorSelection: {
          residentKey: 'required',
          requireResidentKey: true,
          userVerification: 'preferred',
        },
      });
      expect(first.options.pubKeyCredParams).toContainEqual({
        alg: -7,
        type: 'public-key',
      });

      const { credentialId } = await addPasskey(
        user,
        new SoftwareAuthenticator(),
      );
      const second = await options(user);
      expect(second.options.challenge).not.toBe(first.options.challenge);
      expect(second.options.excludeCredentials).toEqual([
        {
          id: credentialId,
          type: 'public-key',
          transports: ['internal', 'hybrid'],
        },
      ]);
    });

    it('needs a signed-in user', async () => {
      const response = await t.http
        .post('/api/passkeys/registration-options')
        .expect(401);
      expect(response.body).toMatchObject({ statusCode: 401 });
    });
  });

  describe('POST /api/passkeys, GET, PATCH and DELETE /api/passkeys/:id', () => {
    it('registers two passkeys, lists, renames and deletes them, auditing each step', async () => {
      const user = await registerUser(t.http);
      const forget = jest.spyOn(t.app.get(UsersService), 'forgetCachedState');
      const phone = new SoftwareAuthenticator({ backedUp: true });
      const key = new SoftwareAuthenticator();

      const started = await options(user);
      const created = await post(
        user,
        started.ceremonyId,
        phone.create(started.options, origin),
        '  Phone  ',
      ).expect(201);
      expect(Object.keys(created.body).sort()).toEqual(PASSKEY_FIELDS);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Phone',
        created_at: expect.any(String),
        last_used_at: null,
        backed_up: true,
        device_type: 'multiDevice',
      });
      expect(forget).toHaveBeenCalledWith(user.id);
      const second = await addPasskey(user, key);

      const listed = await list(user).expect(200);
      expect(listed.body).toEqual([
        created.body,
        {
          id: second.id,
          name: 'Passkey 2',
          created_at: expect.any(String),
          last_used_at: null,
          backed_up: false,
          device_type: 'singleDevice',
        },
      ]);

      const renamed = await t.http
        .patch(`/api/passkeys/${second.id}`)
        .set(bearer(user.accessToken))
        .send({ name: ' Security key ' })
        .expect(200);
      expect(renamed.body).toMatchObject({
        id: second.id,
        name: 'Security key',
      });

      forget.mockClear();
      await t.http
        .delete(`/api/passkeys/${created.body.id}`)
        .set(bearer(user.accessToken))
        .expect(204);
      expect(forget).toHaveBeenCalledWith(user.id);
      expect((await list(user)).body).toEqual([
        expect.objectContaining({ id: second.id, name: 'Security key' }),
      ]);
      expect(await service.countFor(user.id)).toBe(1);

      // The deleted passkey no longer signs in.
      const ceremony = await service.authenticationOptions(null);
      const assertion = phone.get(ceremony.options, origin);
      expect(
        await service.verifyAuthentication(
          ceremony.ceremonyId,
          assertion,
          null,
        ),
      ).toBeNull();

      expect(await auditTypes(user.id)).toEqual([
        'passkey_registered',
        'passkey_registered',
        'passkey_renamed',
        'passkey_deleted',
      ]);
    });

    it('refuses a credential made for another origin, naming it, and spends the ceremony', async () => {
      const user = await registerUser(t.http);
      const authenticator = new SoftwareAuthenticator();
      const started = await options(user);
      const response = await post(
        user,
        started.ceremonyId,
        authenticator.create(started.options, 'https://evil.example'),
      ).expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringMatching(
          /^The passkey could not be verified: .*origin.*https:\/\/evil\.example/,
        ),
      });
      const retry = await post(
        user,
        started.ceremonyId,
        authenticator.create(started.options, origin),
      ).expect(400);
      expect(retry.body.message).toBe(CEREMONY_REFUSED);
      expect((await list(user)).body).toEqual([]);
    });

    it('refuses a credential scoped to another RP id', async () => {
      const user = await registerUser(t.http);
      const started = await options(user);
      const response = await post(
        user,
        started.ceremonyId,
        new SoftwareAuthenticator().create(started.options, origin, {
          rpId: 'evil.example',
        }),
      ).expect(400);
      expect(response.body.message).toMatch(
        /^The passkey could not be verified: .*RP ID/i,
      );
      expect((await list(user)).body).toEqual([]);
    });

    it('refuses a ceremony used once already', async () => {
      const user = await registerUser(t.http);
      const authenticator = new SoftwareAuthenticator();
      const started = await options(user);
      const credential = authenticator.create(started.options, origin);
      await post(user, started.ceremonyId, credential).expect(201);
      const again = await post(
        user,
        started.ceremonyId,
        new SoftwareAuthenticator().create(started.options, origin),
      ).expect(400);
      expect(again.body.message).toBe(CEREMONY_REFUSED);
      expect((await list(user)).body).toHaveLength(1);
    });

    it('refuses a ceremony older than five minutes', async () => {
      const user = await registerUser(t.http);
      const started = await options(user);
      const credential = new SoftwareAuthenticator().create(
        started.options,
        origin,
      );
      const now = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(now + CEREMONY_TTL_MS + 1000);
      const response = await post(user, started.ceremonyId, credential).expect(
        400,
      );
      expect(response.body.message).toBe(CEREMONY_REFUSED);
      jest.restoreAllMocks();
      expect((await list(user)).body).toEqual([]);
    });

    it('accepts a ceremony just under five minutes old', async () => {
      const user = await registerUser(t.http);
      const started = await options(user);
      const credential = new SoftwareAuthenticator().create(
        started.options,
        origin,
      );
      jest
        .spyOn(Date, 'now')
        .mockReturnValue(Date.now() + CEREMONY_TTL_MS - 5000);
      await post(user, started.ceremonyId, credential).expect(201);
    });

    it('refuses another user’s ceremony, which its owner can still use', async () => {
      const owner = await registerUser(t.http);
      const other = await registerUser(t.http);
      const started = await options(owner);
      const authenticator = new SoftwareAuthenticator();
      const credential = authenticator.create(started.options, origin);
      const stolen = await post(other, started.ceremonyId, credential).expect(
        400,
      );
      expect(stolen.body.message).toBe(CEREMONY_REFUSED);
      expect((await list(other)).body).toEqual([]);
      await post(owner, started.ceremonyId, credential).expect(201);
    });

    it('lets no authenticator register one credential twice', async () => {
      const user = await registerUser(t.http);
      const authenticator = new SoftwareAuthenticator();
      const { credentialId } = await addPasskey(user, authenticator);

      // A browser refuses, since the options exclude the credential …
      const started = await options(user);
      expect(() => authenticator.create(started.options, origin)).toThrow(
        AuthenticatorError,
      );
      // … and the server refuses an authenticator that ignores that.
      const duplicate = await post(
        user,
        started.ceremonyId,
        authenticator.create(started.options, origin, {
          ignoreExcludeCredentials: true,
          credentialId,
        }),
      ).expect(409);
      expect(duplicate.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message:
          'This passkey is already registered (to this account or another one)',
      });
      // Nor may another account take it.
      const other = await registerUser(t.http);
      const otherStarted = await options(other);
      await post(
        other,
        otherStarted.ceremonyId,
        authenticator.create(otherStarted.options, origin, {
          credentialId,
        }),
      ).expect(409);
      expect((await list(user)).body).toHaveLength(1);
      expect((await list(other)).body).toEqual([]);
    });

    it('answers junk with a 400 naming the field', async () => {
      const user = await registerUser(t.http);
      const notUuid = await post(user, 'nope', {}).expect(400);
      expect(notUuid.body.message).toEqual(
        expect.stringContaining('ceremony_id must be a UUID'),
      );
      const started = await options(user);
      const junk = await post(user, started.ceremonyId, {
        id: 'abc',
        rawId: 'abc',
        type: 'public-key',
        response: { clientDataJSON: 'abc' },
      }).expect(400);
      expect(junk.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message:
          'credential.response.attestationObject must be a base64url string',
      });
      const started2 = await options(user);
      const noName = await post(
        user,
        started2.ceremonyId,
        new SoftwareAuthenticator().create(started2.options, origin),
        '   ',
      ).expect(400);
      expect(noName.body.message).toEqual(
        expect.stringContaining('name should not be empty'),
      );
    });

    it('adds only with a recent sign-in: a refreshed token must re-authenticate first', async () => {
      const user = await registerUser(t.http);
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      const token = refreshed.body.access_token as string;
      const stale = await t.http
        .post('/api/passkeys/registration-options')
        .set(bearer(token))
        .expect(403);
      expect(stale.body.reason).toBe('reauthentication_required');
      expect((await list(user)).body).toEqual([]);
      await t.http
        .post('/api/auth/reauthenticate')
        .set(bearer(token))
        .send({ password: user.password })
        .expect(204);
      const started = await t.http
        .post('/api/passkeys/registration-options')
        .set(bearer(token))
        .expect(200);
      expect(started.body.ceremony_id).toEqual(expect.any(String));
    });

    it('deletes only with a recent sign-in: a refreshed or old credential must re-authenticate', async () => {
      const user = await registerUser(t.http);
      const phone = new SoftwareAuthenticator();
      const { id } = await addPasskey(user, phone);
      const refreshed = await t.http
        .post('/api/refresh')
        .send({ refresh_token: user.refreshToken })
        .expect(200);
      const stale = await t.http
        .delete(`/api/passkeys/${id}`)
        .set(bearer(refreshed.body.access_token as string))
        .expect(403);
      expect(stale.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        reason: 'reauthentication_required',
        message: expect.stringContaining('POST /api/auth/reauthenticate'),
      });

      // With a passkey the password alone signs in no more: the passkey is the second step.
      const challenge = await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
      const signedIn = await t.http
        .post('/api/login/second-factor')
        .send({
          challenge_token: challenge.body.challenge_token,
          passkey: phone.get(challenge.body.passkey_options, origin),
        })
        .expect(200);
      const accessToken = signedIn.body.access_token as string;
      jest
        .spyOn(Date, 'now')
        .mockReturnValue(
          Date.now() + (t.config.freshAuthWindowSeconds + 1) * 1000,
        );
      const old = await t.http
        .delete(`/api/passkeys/${id}`)
        .set(bearer(accessToken))
        .expect(403);
      expect(old.body.reason).toBe('reauthentication_required');
      jest.restoreAllMocks();
      expect((await list(user)).body).toEqual([
        expect.objectContaining({ id }),
      ]);
      expect(await auditTypes(user.id)).toEqual(['passkey_registered']);

      await t.http
        .delete(`/api/passkeys/${id}`)
        .set(bearer(accessToken))
        .expect(204);
      expect((await list(user)).body).toEqual([]);
    });

    it('keeps one user’s passkeys from another: list, rename and delete', async () => {
      const owner = await registerUser(t.http);
      const other = await registerUser(t.http);
      const { id } = await addPasskey(
        owner,
        new SoftwareAuthenticator(),
        'Mine',
      );

      expect((await list(other).expect(200)).body).toEqual([]);
      const rename = await t.http
        .patch(`/api/passkeys/${id}`)
        .set(bearer(other.accessToken))
        .send({ name: 'Theirs' })
        .expect(404);
      expect(rename.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `No passkey with id ${id}`,
      });
      await t.http
        .delete(`/api/passkeys/${id}`)
        .set(bearer(other.accessToken))
        .expect(404);
      expect((await list(owner)).body).toEqual([
        expect.objectContaining({ id, name: 'Mine' }),
      ]);
      await t.http
        .delete('/api/passkeys/not-a-uuid')
        .set(bearer(owner.accessToken))
        .expect(400);
    });
  });

  describe('OpenAPI', () => {
    it('documents the passkey routes, their answers and their errors', async () => {
      const doc = (await t.http.get('/api/docs-json').expect(200)).body;
      const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
      const options = doc.paths['/api/passkeys/registration-options'].post;
      expect(options.tags).toEqual(['passkeys']);
      expect(options.security).toEqual([{ jwt: [] }, { session: [] }]);
      expect(
        options.responses['200'].content['application/json'].schema,
      ).toEqual(ref('RegistrationOptionsResponse'));
      const register = doc.paths['/api/passkeys'].post;
      expect(register.requestBody.content['application/json'].schema).toEqual(
        ref('RegisterPasskeyDto'),
      );
      expect(Object.keys(register.responses)).toEqual(
        expect.arrayContaining(['201', '400', '401', '409']),
      );
      expect(
        register.responses['400'].content['application/json'].schema,
      ).toEqual(ref('ErrorResponse'));
      expect(
        Object.keys(doc.components.schemas.PasskeyResponse.properties).sort(),
      ).toEqual(PASSKEY_FIELDS);
      expect(
        doc.paths['/api/passkeys'].get.responses['200'].content[
          'application/json'
        ].schema,
      ).toEqual({ type: 'array', items: ref('PasskeyResponse') });
      const item = doc.paths['/api/passkeys/{id}'];
      expect(Object.keys(item.patch.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '404']),
      );
      expect(Object.keys(item.delete.responses)).toEqual(
        expect.arrayContaining(['204', '401', '403', '404']),
      );
      expect(item.delete.responses['403'].description).toMatch(
        /reauthentication_required/,
      );
    });
  });

  describe(`${PasskeysService.name}.verifyAuthentication`, () => {
    async function setUp(authenticatorOptions = {}) {
      const user = await registerUser(t.http);
      const authenticator = new SoftwareAuthenticator(authenticatorOptions);
      const passkey = await addPasskey(user, authenticator);
      return { user, authenticator, passkey };
    }

    function tamper(
      assertion: AuthenticationResponseJSON,
    ): AuthenticationResponseJSON {
      const signature = Buffer.from(assertion.response.signature, 'base64url');
      signature[signature.length - 1] ^= 0x01;
      return {
        ...assertion,
        response: {
          ...assertion.response,
          signature: signature.toString('base64url'),
        },
      };
    }

    async function storedPasskey(id: string): Promise<Passkey> {
      return t.app
        .get(DataSource)
        .getRepository(Passkey)
        .findOneByOrFail({ id });
    }

    it('verifies once per ceremony, updating the counter and last_used_at, and refuses a replay', async () => {
      const { user, authenticator, passkey } = await setUp();
      const ceremony = await service.authenticationOptions(user.id);
      expect(ceremony.options).toMatchObject({
        rpId: 'localhost',
        userVerification: 'preferred',
        allowCredentials: [
          expect.objectContaining({ id: passkey.credentialId }),
        ],
      });
      const assertion = authenticator.get(ceremony.options, origin);
      expect(
        await service.verifyAuthentication(
          ceremony.ceremonyId,
          assertion,
          user.id,
        ),
      ).toEqual({ userId: user.id, passkeyId: passkey.id });
      const stored = await storedPasskey(passkey.id);
      expect(stored.counter).toBe(1);
      expect(stored.lastUsedAt).toBeInstanceOf(Date);
      expect((await list(user)).body[0].last_used_at).toBe(
        stored.lastUsedAt!.toISOString(),
      );

      expect(
        await service.verifyAuthentication(
          ceremony.ceremonyId,
          assertion,
          user.id,
        ),
      ).toBeNull();

      const next = await service.authenticationOptions(user.id);
      await expect(
        service.verifyAuthentication(
          next.ceremonyId,
          authenticator.get(next.options, origin),
          user.id,
        ),
      ).resolves.toEqual({ userId: user.id, passkeyId: passkey.id });
      expect((await storedPasskey(passkey.id)).counter).toBe(2);
    });

    it('signs in with a discoverable passkey and no known user, by its user handle', async () => {
      const { user, authenticator, passkey } = await setUp();
      const ceremony = await service.authenticationOptions(null);
      expect(ceremony.options.allowCredentials).toBeUndefined();
      expect(ceremony.options.userVerification).toBe('required');
      const assertion = authenticator.get(ceremony.options, origin);
      expect(assertion.response.userHandle).toBe(
        Buffer.from(user.id).toString('base64url'),
      );
      await expect(
        service.verifyAuthentication(ceremony.ceremonyId, assertion, null),
      ).resolves.toEqual({ userId: user.id, passkeyId: passkey.id });
    });

    it('refuses a passkey-only sign-in without user verification', async () => {
      const { authenticator } = await setUp({ userVerification: false });
      const ceremony = await service.authenticationOptions(null);
      await expect(
        service.verifyAuthentication(
          ceremony.ceremonyId,
          authenticator.get(ceremony.options, origin),
          null,
        ),
      ).resolves.toBeNull();
    });

    it('refuses another user: the ceremony’s, or the passkey’s', async () => {
      const a = await setUp();
      const b = await setUp();
      // A ceremony issued for A is not B's, even with B's own passkey.
      const forA = await service.authenticationOptions(a.user.id);
      await expect(
        service.verifyAuthentication(
          forA.ceremonyId,
          b.authenticator.get(forA.options, origin, {
            credentialId: b.passkey.credentialId,
          }),
          b.user.id,
        ),
      ).resolves.toBeNull();
      // B's ceremony answered with A's passkey.
      const forB = await service.authenticationOptions(b.user.id);
      await expect(
        service.verifyAuthentication(
          forB.ceremonyId,
          a.authenticator.get(forB.options, origin, {
            credentialId: a.passkey.credentialId,
          }),
          b.user.id,
        ),
      ).resolves.toBeNull();
      // A passkey-only ceremony checks the user handle against the passkey's owner.
      const open = await service.authenticationOptions(null);
      const assertion = a.authenticator.get(open.options, origin);
      assertion.response.userHandle = Buffer.from(b.user.id).toString(
        'base64url',
      );
      await expect(
        service.verifyAuthentication(open.ceremonyId, assertion, null),
      ).resolves.toBeNull();
      // The refused ceremony of A was left to A.
      await expect(
        service.verifyAuthentication(
          forA.ceremonyId,
          a.authenticator.get(forA.options, origin),
          a.user.id,
        ),
      ).resolves.toEqual({ userId: a.user.id, passkeyId: a.passkey.id });
    });

    it('refuses an unknown credential, a bad signature, another origin and an expired ceremony', async () => {
      const { user, authenticator } = await setUp();

      const stranger = new SoftwareAuthenticator();
      const unregistered = await service.registrationOptions({
        id: user.id,
        username: user.username,
      });
      stranger.create(unregistered.options, origin);
      const unknown = await service.authenticationOptions(null);
      await expect(
        service.verifyAuthentication(
          unknown.ceremonyId,
          stranger.get(unknown.options, origin),
          null,
        ),
      ).resolves.toBeNull();

      const badSignature = await service.authenticationOptions(user.id);
      const tampered = tamper(authenticator.get(badSignature.options, origin));
      await expect(
        service.verifyAuthentication(
          badSignature.ceremonyId,
          tampered,
          user.id,
        ),
      ).resolves.toBeNull();

      const otherOrigin = await service.authenticationOptions(user.id);
      await expect(
        service.verifyAuthentication(
          otherOrigin.ceremonyId,
          authenticator.get(otherOrigin.options, 'https://evil.example'),
          user.id,
        ),
      ).resolves.toBeNull();

      const otherRp = await service.authenticationOptions(user.id);
      await expect(
        service.verifyAuthentication(
          otherRp.ceremonyId,
          authenticator.get(otherRp.options, origin, { rpId: 'evil.example' }),
          user.id,
        ),
      ).resolves.toBeNull();

      const expired = await service.authenticationOptions(user.id);
      const assertion = authenticator.get(expired.options, origin);
      jest
        .spyOn(Date, 'now')
        .mockReturnValue(Date.now() + CEREMONY_TTL_MS + 1000);
      await expect(
        service.verifyAuthentication(expired.ceremonyId, assertion, user.id),
      ).resolves.toBeNull();
      jest.restoreAllMocks();

      await expect(
        service.verifyAuthentication('not-a-uuid', assertion, user.id),
      ).resolves.toBeNull();
      const junk = await service.authenticationOptions(user.id);
      await expect(
        service.verifyAuthentication(junk.ceremonyId, { id: 42 }, user.id),
      ).resolves.toBeNull();
    });

    it('refuses a counter that goes backwards (a cloned authenticator)', async () => {
      const { user, authenticator, passkey } = await setUp();
      const first = await service.authenticationOptions(user.id);
      await service.verifyAuthentication(
        first.ceremonyId,
        authenticator.get(first.options, origin),
        user.id,
      );
      authenticator.credentials[0].counter = 0;
      const second = await service.authenticationOptions(user.id);
      await expect(
        service.verifyAuthentication(
          second.ceremonyId,
          authenticator.get(second.options, origin),
          user.id,
        ),
      ).resolves.toBeNull();
      expect((await storedPasskey(passkey.id)).counter).toBe(1);
    });

    it('lets one of two racing uses of a ceremony win', async () => {
      const { user, authenticator } = await setUp();
      const ceremony = await service.authenticationOptions(user.id);
      const assertion = authenticator.get(ceremony.options, origin);
      const results = await Promise.all([
        service.verifyAuthentication(ceremony.ceremonyId, assertion, user.id),
        service.verifyAuthentication(ceremony.ceremonyId, assertion, user.id),
      ]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });
  });

  describe(`${PasskeysService.name}.countFor and deleteAllOf`, () => {
    it('loses a deleted account’s passkeys and ceremonies with it', async () => {
      const user = await registerUser(t.http);
      await addPasskey(user, new SoftwareAuthenticator());
      await service.authenticationOptions(user.id);
      await t.app.get(UsersService).delete(user.id);
      const db = t.app.get(DataSource);
      expect(await db.getRepository(Passkey).countBy({ userId: user.id })).toBe(
        0,
      );
      expect(
        await db.getRepository(WebauthnCeremony).countBy({ userId: user.id }),
      ).toBe(0);
    });

    it('counts a user’s passkeys and deletes them all', async () => {
      const user = await registerUser(t.http);
      const other = await registerUser(t.http);
      await addPasskey(user, new SoftwareAuthenticator());
      await addPasskey(user, new SoftwareAuthenticator());
      await addPasskey(other, new SoftwareAuthenticator());
      expect(await service.countFor(user.id)).toBe(2);
      const forget = jest.spyOn(t.app.get(UsersService), 'forgetCachedState');
      await service.deleteAllOf(user.id);
      expect(forget).toHaveBeenCalledWith(user.id);
      expect(await service.countFor(user.id)).toBe(0);
      expect((await list(user)).body).toEqual([]);
      expect(await service.countFor(other.id)).toBe(1);
    });
  });
});

describe('passkeys with WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS set', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        ISSUER_URL: 'https://auth.example.test',
        WEBAUTHN_RP_ID: 'example.test',
        WEBAUTHN_RP_NAME: 'Example',
        WEBAUTHN_ORIGINS: 'https://auth.example.test,https://app.example.test',
      },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('binds passkeys to the RP id and accepts each listed origin, and no other', async () => {
    const user = await registerUser(t.http);
    const service = t.app.get(PasskeysService);
    const started = await t.http
      .post('/api/passkeys/registration-options')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(started.body.options.rp).toEqual({
      id: 'example.test',
      name: 'Example',
    });
    const authenticator = new SoftwareAuthenticator();
    await t.http
      .post('/api/passkeys')
      .set(bearer(user.accessToken))
      .send({
        ceremony_id: started.body.ceremony_id,
        credential: authenticator.create(
          started.body.options,
          'https://app.example.test',
        ),
      })
      .expect(201);

    const fromAuth = await service.authenticationOptions(null);
    expect(fromAuth.options.rpId).toBe('example.test');
    await expect(
      service.verifyAuthentication(
        fromAuth.ceremonyId,
        authenticator.get(fromAuth.options, 'https://auth.example.test'),
        null,
      ),
    ).resolves.toEqual(expect.objectContaining({ userId: user.id }));
    const fromElsewhere = await service.authenticationOptions(null);
    await expect(
      service.verifyAuthentication(
        fromElsewhere.ceremonyId,
        authenticator.get(fromElsewhere.options, 'https://other.example.test'),
        null,
      ),
    ).resolves.toBeNull();
  });

  it('refuses to start with an origin outside the RP id, saying which', () => {
    // The configuration the server starts from (main.ts, createTestApp); no database is made.
    expect(() =>
      configFromEnvironment({
        NODE_ENV: 'test',
        WEBAUTHN_RP_ID: 'example.test',
        WEBAUTHN_ORIGINS: 'https://example.org',
      }),
    ).toThrow(
      'WEBAUTHN_ORIGINS: https://example.org is not on WEBAUTHN_RP_ID example.test',
    );
  });
});
