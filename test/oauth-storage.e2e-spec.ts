import { randomBytes } from 'node:crypto';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Repository } from 'typeorm';
import { sha256Hex } from '../src/common/crypto/sha256';
import { oauthRevocationKey } from '../src/oauth/oauth-revocation-keys';
import { OAuthRecord } from '../src/oauth/storage/oauth-record.entity';
import { OAuthStorage } from '../src/oauth/storage/oauth-storage.service';
import { OAuthStorageModule } from '../src/oauth/storage/oauth-storage.module';
import { RevocationService } from '../src/tokens/revocation.service';
import { createTestApp, type TestApp } from './support/app';

/**
 * oidc-provider's storage on the real database (SQLite in a temp folder, or PostgreSQL when
 * DATABASE_URL says so), migrated by the app's own start-up. A second app on the same database
 * plays a second instance behind a load balancer; it runs with REFRESH_REUSE_GRACE=0.
 */

jest.setTimeout(30_000);

/** An id shaped like oidc-provider's opaque ones (43 base64url characters). */
function newId(): string {
  return randomBytes(32).toString('base64url');
}

/** Runs `body` with the clock moved `seconds` ahead, as the storage reads it. */
async function later<T>(seconds: number, body: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const spy = jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
  try {
    return await body();
  } finally {
    spy.mockRestore();
  }
}

describe(OAuthStorage.name, () => {
  let first: TestApp;
  let second: TestApp;
  let storage: OAuthStorage;
  let otherInstance: OAuthStorage;
  let revocation: RevocationService;
  let records: Repository<OAuthRecord>;

  beforeAll(async () => {
    first = await createTestApp({ imports: [OAuthStorageModule] });
    second = await createTestApp({
      dataDir: first.dataDir,
      env: { ...first.env, REFRESH_REUSE_GRACE: '0' },
      imports: [OAuthStorageModule],
    });
    storage = first.app.get(OAuthStorage);
    otherInstance = second.app.get(OAuthStorage);
    revocation = first.app.get(RevocationService);
    records = first.app.get(getRepositoryToken(OAuthRecord));
  });

  afterAll(async () => {
    await second?.app.close();
    await first?.close();
  });

  function adapter(model: string): Adapter {
    return storage.adapterFor(model);
  }

  describe('upsert and find', () => {
    it('returns the payload it stored, per model, and undefined for an unknown id', async () => {
      const id = newId();
      const payload: AdapterPayload = {
        accountId: 'user-1',
        clientId: 'client-1',
        grantId: 'grant-x',
        scope: 'openid offline_access',
        extra: { nested: { list: [1, 2, 3] } },
        iat: 1_800_000_000,
      };
      await adapter('AuthorizationCode').upsert(id, payload, 60);

      // A code's id is the credential: the answer names it again (jti), the row does not.
      await expect(adapter('AuthorizationCode').find(id)).resolves.toEqual({
        ...payload,
        jti: id,
      });
      await expect(adapter('RefreshToken').find(id)).resolves.toBeUndefined();
      await expect(
        adapter('AuthorizationCode').find(newId()),
      ).resolves.toBeUndefined();
    });

    it('replaces the payload and its lookup columns on a second upsert', async () => {
      const id = newId();
      await adapter('DeviceCode').upsert(
        id,
        { userCode: 'OLDCODE1', clientId: 'client-1' },
        600,
      );
      await adapter('DeviceCode').upsert(
        id,
        { userCode: 'NEWCODE2', clientId: 'client-1', accountId: 'user-9' },
        600,
      );

      await expect(
        adapter('DeviceCode').findByUserCode('OLDCODE1'),
      ).resolves.toBeUndefined();
      await expect(
        adapter('DeviceCode').findByUserCode('NEWCODE2'),
      ).resolves.toEqual({
        userCode: 'NEWCODE2',
        clientId: 'client-1',
        accountId: 'user-9',
      });
      expect(await records.countBy({ model: 'DeviceCode', id })).toBe(1);
    });

    it('finds a session by its uid', async () => {
      const id = newId();
      const uid = newId();
      await adapter('Session').upsert(
        id,
        { uid, accountId: 'user-1', loginTs: 1_800_000_000 },
        3600,
      );

      await expect(adapter('Session').findByUid(uid)).resolves.toEqual({
        uid,
        accountId: 'user-1',
        loginTs: 1_800_000_000,
      });
      await expect(
        adapter('Session').findByUid(newId()),
      ).resolves.toBeUndefined();
      await expect(
        adapter('Interaction').findByUid(uid),
      ).resolves.toBeUndefined();
    });

    it('keeps a payload of several KB and a 64-character id whole', async () => {
      const id = 'x'.repeat(64);
      const big = 'é'.repeat(8_000);
      await adapter('Interaction').upsert(id, { params: { big } }, 60);

      await expect(adapter('Interaction').find(id)).resolves.toEqual({
        params: { big },
      });
    });

    it('answers undefined once the lifetime is over, and keeps a row without one', async () => {
      const id = newId();
      const uid = newId();
      await adapter('Session').upsert(id, { uid }, 60);
      const forever = newId();
      await adapter('ReplayDetection').upsert(forever, { iat: 1 });

      await later(59, async () => {
        await expect(adapter('Session').find(id)).resolves.toEqual({ uid });
      });
      await later(61, async () => {
        await expect(adapter('Session').find(id)).resolves.toBeUndefined();
        await expect(
          adapter('Session').findByUid(uid),
        ).resolves.toBeUndefined();
        await expect(adapter('ReplayDetection').find(forever)).resolves.toEqual(
          { iat: 1 },
        );
      });
    });
  });

  describe('consume and destroy', () => {
    it('marks a row spent with the epoch second, and find still returns it', async () => {
      const id = newId();
      await adapter('AuthorizationCode').upsert(
        id,
        { clientId: 'client-1', grantId: 'grant-c' },
        60,
      );
      const before = Math.floor(Date.now() / 1000);

      await adapter('AuthorizationCode').consume(id);

      const found = await adapter('AuthorizationCode').find(id);
      expect(found).toMatchObject({ clientId: 'client-1', grantId: 'grant-c' });
      expect(found?.consumed).toBeGreaterThanOrEqual(before);
      expect(found?.consumed).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    });

    it('lets only one of two consumers win, across instances', async () => {
      const id = newId();
      await adapter('AuthorizationCode').upsert(id, { clientId: 'c' }, 60);

      const results = await Promise.allSettled([
        adapter('AuthorizationCode').consume(id),
        otherInstance.adapterFor('AuthorizationCode').consume(id),
      ]);

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(errors.InvalidGrant);
      expect((rejected?.reason as Error).message).toBe('invalid_grant');
      await expect(
        adapter('AuthorizationCode').consume(newId()),
      ).rejects.toBeInstanceOf(errors.InvalidGrant);
    });

    it('refuses a pushed authorization request spent twice as the authorization endpoint would', async () => {
      const id = newId();
      await adapter('PushedAuthorizationRequest').upsert(
        id,
        { clientId: 'c', request: 'eyJ...' },
        60,
      );
      await adapter('PushedAuthorizationRequest').consume(id);

      await expect(
        otherInstance.adapterFor('PushedAuthorizationRequest').consume(id),
      ).rejects.toBeInstanceOf(errors.InvalidRequestUri);
    });

    it('destroys one row of one model', async () => {
      const id = newId();
      await adapter('AccessToken').upsert(id, { clientId: 'c' }, 60);
      await adapter('RefreshToken').upsert(id, { clientId: 'c' }, 60);

      await adapter('AccessToken').destroy(id);

      await expect(adapter('AccessToken').find(id)).resolves.toBeUndefined();
      await expect(adapter('RefreshToken').find(id)).resolves.toEqual({
        clientId: 'c',
        jti: id,
      });
    });

    it('keys token rows by the token’s SHA-256 and keeps no copy of the token', async () => {
      const id = newId();
      await adapter('RefreshToken').upsert(id, { jti: id, clientId: 'c' }, 60);
      const row = await records.findOneByOrFail({
        model: 'RefreshToken',
        id: sha256Hex(id),
      });
      expect(row.payload).not.toContain(id);
      expect(await records.countBy({ id })).toBe(0);
      await expect(adapter('RefreshToken').find(id)).resolves.toMatchObject({
        jti: id,
      });
      // Sessions are found by their uid too, so they keep their id.
      const session = newId();
      await adapter('Session').upsert(session, { jti: session, uid: 'u1' }, 60);
      await expect(adapter('Session').findByUid('u1')).resolves.toMatchObject({
        jti: session,
      });
    });
  });

  describe('refresh token reuse grace', () => {
    it('hides a refresh token spent within the grace, then returns it consumed', async () => {
      expect(first.config.refreshReuseGraceSeconds).toBe(10);
      const id = newId();
      await adapter('RefreshToken').upsert(
        id,
        { clientId: 'c', grantId: 'grant-r' },
        86_400,
      );
      await adapter('RefreshToken').consume(id);

      await expect(adapter('RefreshToken').find(id)).resolves.toBeUndefined();
      await later(9, async () => {
        await expect(adapter('RefreshToken').find(id)).resolves.toBeUndefined();
      });
      await later(11, async () => {
        const found = await adapter('RefreshToken').find(id);
        expect(found).toMatchObject({ clientId: 'c', grantId: 'grant-r' });
        expect(typeof found?.consumed).toBe('number');
      });
    });

    it('returns a spent refresh token at once when the grace is 0', async () => {
      expect(second.config.refreshReuseGraceSeconds).toBe(0);
      const id = newId();
      await storage
        .adapterFor('RefreshToken')
        .upsert(id, { clientId: 'c' }, 60);
      await storage.adapterFor('RefreshToken').consume(id);

      const found = await otherInstance.adapterFor('RefreshToken').find(id);
      expect(found).toMatchObject({ clientId: 'c' });
      expect(typeof found?.consumed).toBe('number');
    });
  });

  describe('revokeByGrantId', () => {
    it('deletes everything issued under the grant and blacklists the grant id', async () => {
      const grantId = newId();
      const otherGrant = newId();
      const ids = { at: newId(), rt: newId(), code: newId(), kept: newId() };
      await adapter('Grant').upsert(
        grantId,
        { accountId: 'user-g', clientId: 'c' },
        3600,
      );
      await adapter('AccessToken').upsert(ids.at, { grantId }, 60);
      await adapter('RefreshToken').upsert(ids.rt, { grantId }, 3600);
      await adapter('AuthorizationCode').upsert(ids.code, { grantId }, 60);
      await adapter('RefreshToken').upsert(
        ids.kept,
        { grantId: otherGrant },
        3600,
      );
      await expect(
        revocation.isRevoked(oauthRevocationKey('grant', grantId)),
      ).resolves.toBe(false);

      await adapter('RefreshToken').revokeByGrantId(grantId);

      await expect(
        adapter('AccessToken').find(ids.at),
      ).resolves.toBeUndefined();
      await expect(
        adapter('RefreshToken').find(ids.rt),
      ).resolves.toBeUndefined();
      await expect(
        adapter('AuthorizationCode').find(ids.code),
      ).resolves.toBeUndefined();
      await expect(adapter('RefreshToken').find(ids.kept)).resolves.toEqual({
        grantId: otherGrant,
        jti: ids.kept,
      });
      // The Grant itself is oidc-provider's to destroy (its revokeGrantPolicy), as in its adapters.
      await expect(adapter('Grant').find(grantId)).resolves.toMatchObject({
        accountId: 'user-g',
      });
      await expect(
        revocation.isRevoked(oauthRevocationKey('grant', grantId)),
      ).resolves.toBe(true);
      await expect(
        revocation.isRevoked(oauthRevocationKey('grant', otherGrant)),
      ).resolves.toBe(false);
    });

    it('does the work once when oidc-provider calls it for every model', async () => {
      const grantId = newId();
      await adapter('RefreshToken').upsert(newId(), { grantId }, 3600);
      const revoke = jest.spyOn(revocation, 'revoke');
      const deletes = jest.spyOn(records, 'delete');
      try {
        await Promise.all(
          [
            'AccessToken',
            'RefreshToken',
            'AuthorizationCode',
            'DeviceCode',
          ].map((model) => adapter(model).revokeByGrantId(grantId)),
        );
        await adapter('AccessToken').revokeByGrantId(grantId);

        expect(revoke).toHaveBeenCalledTimes(1);
        expect(revoke).toHaveBeenCalledWith(
          oauthRevocationKey('grant', grantId),
          expect.any(Number),
        );
        const [, expiresAt] = revoke.mock.calls[0];
        const expected = Math.floor(Date.now() / 1000) + 900;
        expect(expiresAt).toBeGreaterThanOrEqual(expected - 2);
        expect(expiresAt).toBeLessThanOrEqual(expected);
        expect(deletes).toHaveBeenCalledTimes(1);
        expect(await records.countBy({ grantId })).toBe(0);
      } finally {
        revoke.mockRestore();
        deletes.mockRestore();
      }
    });
  });

  describe('grants of an account', () => {
    const alice = `alice-${newId()}`;
    const bob = `bob-${newId()}`;
    const aliceOld = newId();
    const aliceNew = newId();
    const aliceOther = newId();
    const bobs = newId();
    const bobsToken = newId();

    beforeAll(async () => {
      await adapter('Grant').upsert(
        aliceOld,
        {
          accountId: alice,
          clientId: 'app-1',
          openid: { scope: 'openid profile' },
          iat: 1_800_000_000,
        },
        3600,
      );
      await adapter('Grant').upsert(
        aliceNew,
        {
          accountId: alice,
          clientId: 'app-1',
          openid: { scope: 'openid email' },
          iat: 1_800_000_100,
        },
        3600,
      );
      await adapter('Grant').upsert(
        aliceOther,
        {
          accountId: alice,
          clientId: 'app-2',
          openid: { scope: 'openid offline_access' },
          resources: { 'http://localhost/api': 'data:read profile:read' },
          iat: 1_800_000_050,
        },
        3600,
      );
      await adapter('Grant').upsert(
        bobs,
        {
          accountId: bob,
          clientId: 'app-2',
          openid: { scope: 'openid' },
          iat: 1_800_000_000,
        },
        3600,
      );
      await adapter('RefreshToken').upsert(
        bobsToken,
        { accountId: bob, clientId: 'app-2', grantId: bobs },
        3600,
      );
    });

    it('lists an account’s grants with their scopes, newest first', async () => {
      await expect(storage.grantsOf(alice)).resolves.toEqual([
        {
          id: aliceNew,
          clientId: 'app-1',
          scopes: ['openid', 'email'],
          createdAt: new Date(1_800_000_100_000),
        },
        {
          id: aliceOther,
          clientId: 'app-2',
          scopes: ['openid', 'offline_access', 'data:read', 'profile:read'],
          createdAt: new Date(1_800_000_050_000),
        },
        {
          id: aliceOld,
          clientId: 'app-1',
          scopes: ['openid', 'profile'],
          createdAt: new Date(1_800_000_000_000),
        },
      ]);
      await expect(storage.grantsOf(`nobody-${newId()}`)).resolves.toEqual([]);
      await later(3601, async () => {
        await expect(storage.grantsOf(alice)).resolves.toEqual([]);
      });
    });

    it('finds the newest grant of an account to a client', async () => {
      await expect(storage.findGrantId(alice, 'app-1')).resolves.toBe(aliceNew);
      await expect(storage.findGrantId(bob, 'app-2')).resolves.toBe(bobs);
      await expect(storage.findGrantId(bob, 'app-1')).resolves.toBeUndefined();
      await later(3601, async () => {
        await expect(
          storage.findGrantId(alice, 'app-1'),
        ).resolves.toBeUndefined();
      });
    });

    it('revokes only the owner’s grant', async () => {
      await expect(storage.revokeGrant(bobs, alice)).resolves.toBe(false);
      await expect(storage.revokeGrant(newId(), alice)).resolves.toBe(false);
      await expect(adapter('Grant').find(bobs)).resolves.toMatchObject({
        accountId: bob,
      });
      await expect(
        adapter('RefreshToken').find(bobsToken),
      ).resolves.toMatchObject({ grantId: bobs });
      await expect(
        revocation.isRevoked(oauthRevocationKey('grant', bobs)),
      ).resolves.toBe(false);

      await expect(storage.revokeGrant(bobs, bob)).resolves.toBe(true);

      await expect(adapter('Grant').find(bobs)).resolves.toBeUndefined();
      await expect(
        adapter('RefreshToken').find(bobsToken),
      ).resolves.toBeUndefined();
      await expect(
        revocation.isRevoked(oauthRevocationKey('grant', bobs)),
      ).resolves.toBe(true);
      await expect(storage.grantsOf(bob)).resolves.toEqual([]);
    });
  });

  describe('revokeClient', () => {
    it('deletes every row of the client and nothing else', async () => {
      const client = `client-${newId()}`;
      const mine = [newId(), newId(), newId()];
      await adapter('Grant').upsert(mine[0], { clientId: client }, 3600);
      await adapter('RefreshToken').upsert(
        mine[1],
        { clientId: client, grantId: mine[0] },
        3600,
      );
      await adapter('ClientCredentials').upsert(
        mine[2],
        { clientId: client },
        60,
      );
      const theirs = newId();
      await adapter('ClientCredentials').upsert(
        theirs,
        { clientId: `client-${newId()}` },
        60,
      );

      await expect(storage.revokeClient(client)).resolves.toBe(3);

      expect(await records.countBy({ clientId: client })).toBe(0);
      await expect(
        adapter('ClientCredentials').find(theirs),
      ).resolves.toMatchObject({ clientId: expect.any(String) });
    });
  });

  describe('the Client model', () => {
    it('finds clients through the lookup and refuses to store them', async () => {
      const clients = adapter('Client');
      await expect(clients.find('app-1')).resolves.toBeUndefined();

      storage.useClientLookup((clientId) =>
        Promise.resolve(
          clientId === 'app-1'
            ? { client_id: 'app-1', grant_types: ['client_credentials'] }
            : undefined,
        ),
      );

      await expect(clients.find('app-1')).resolves.toEqual({
        client_id: 'app-1',
        grant_types: ['client_credentials'],
      });
      await expect(clients.find('app-2')).resolves.toBeUndefined();
      await expect(
        clients.upsert('app-3', { client_id: 'app-3' }),
      ).rejects.toThrow('dynamic client registration is off');
      await expect(clients.destroy('app-1')).rejects.toThrow(
        'dynamic client registration is off',
      );
      expect(await records.countBy({ model: 'Client' })).toBe(0);
    });
  });

  describe('two instances', () => {
    it('see each other’s writes, and racing upserts of one id leave one row', async () => {
      const id = newId();
      await otherInstance
        .adapterFor('Interaction')
        .upsert(id, { uid: id, returnTo: '/a' }, 60);
      await expect(adapter('Interaction').find(id)).resolves.toEqual({
        uid: id,
        returnTo: '/a',
      });

      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? storage : otherInstance)
            .adapterFor('Interaction')
            .upsert(id, { uid: id, returnTo: `/${i}` }, 60),
        ),
      );

      expect(await records.countBy({ model: 'Interaction', id })).toBe(1);
      const found = await otherInstance.adapterFor('Interaction').find(id);
      expect(found?.returnTo).toMatch(/^\/[0-5]$/);

      await adapter('Interaction').destroy(id);
      await expect(
        otherInstance.adapterFor('Interaction').find(id),
      ).resolves.toBeUndefined();
    });
  });

  describe('prune', () => {
    it('deletes expired rows only', async () => {
      const short = newId();
      const long = newId();
      const forever = newId();
      await adapter('AccessToken').upsert(short, { clientId: 'p' }, 60);
      await adapter('RefreshToken').upsert(long, { clientId: 'p' }, 3600);
      await adapter('ReplayDetection').upsert(forever, { clientId: 'p' });
      const cutoff = Date.now() + 120_000;
      const expired = await records
        .createQueryBuilder('r')
        .where('r.expires_at < :cutoff', { cutoff: new Date(cutoff) })
        .getCount();
      expect(expired).toBeGreaterThanOrEqual(1);

      await expect(storage.prune(cutoff)).resolves.toBe(expired);

      expect(
        await records.countBy({ model: 'AccessToken', id: sha256Hex(short) }),
      ).toBe(0);
      expect(
        await records.countBy({ model: 'RefreshToken', id: sha256Hex(long) }),
      ).toBe(1);
      expect(
        await records.countBy({ model: 'ReplayDetection', id: forever }),
      ).toBe(1);
    });
  });
});
